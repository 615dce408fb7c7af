#!/usr/bin/env bash
# Ollama's Go-engine sampler (sample/samplers.go + sample/transforms.go at a release tag) timed per call on the
# sampling thread: ./ollama-sampler.sh <ollama checkout> [tag]   (needs go >= 1.19; see README.md)
set -euo pipefail
repo=$1; tag=${2:-v0.12.6}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
git -C "$repo" show "$tag:sample/transforms.go" > "$dir/transforms.go"
git -C "$repo" show "$tag:sample/samplers.go" > "$dir/samplers.go"
python3 - "$dir" <<'PY'
import re, sys
d = sys.argv[1]
s = open(f'{d}/samplers.go').read()
# the grammar (cgo into llama.cpp) is nil under default options: stub it
s = s[:s.index('type GrammarSampler struct')] + 'type GrammarSampler struct{}\nfunc (g *GrammarSampler) Apply(tokens []token) {}\nfunc (g *GrammarSampler) Accept(token int32) {}\n'
s = re.sub(r'\t"github.com/ollama/ollama/[^"]*"\n', '', s)
# go1.19 port, off the hot path: math/rand for the seeded generator, sort.Search over the 40 cumulative sums
s = s.replace('"math/rand/v2"', '"math/rand"').replace('\t"slices"\n', '\t"sort"\n')
s = s.replace('rng = rand.New(rand.NewPCG(sequence, sequence^0x9E3779B9))', 'rng = rand.New(rand.NewSource(int64(sequence)))')
a = s.index('idx, _ := slices.BinarySearchFunc'); b = s.index('})', a) + 2
s = s[:a] + 'idx := sort.Search(len(tokens), func(i int) bool { return tokens[i].value >= r })' + s[b:]
open(f'{d}/samplers.go', 'w').write(s)
t = open(f'{d}/transforms.go').read()
t = t.replace('temp = max(temp, 1e-7)', 'if temp < 1e-7 { temp = 1e-7 }').replace('"slices"', '"sort"')
a = t.index('slices.SortFunc(ts, func(a, b token) int {'); b = t.index('})', a) + 2
t = t[:a] + 'sort.Slice(ts, func(i, j int) bool { return ts[i].value > ts[j].value })' + t[b:]  # top_k <= 0 only
open(f'{d}/transforms.go', 'w').write(t)
PY
printf 'module sample\n\ngo 1.19\n' > "$dir/go.mod"
cat > "$dir/cpu_test.go" <<'GO'
package sample

import (
	"fmt"
	"math/rand"
	"runtime"
	"syscall"
	"testing"
)

// CPU time of the calling thread (RUSAGE_THREAD): a time slice lost to another process is not counted
func threadNs() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(1, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// Ollama's DefaultOptions (api/types.go): temperature 0.8, top_k 40, top_p 0.9, min_p 0, seed -1
func TestSamplerPerEntry(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, n := range []int{128256, 151936, 201088, 262144} {
		r := rand.New(rand.NewSource(1))
		logits := make([]float32, n)
		for i := range logits {
			logits[i] = float32(r.NormFloat64()) * 3
		}
		s := NewSampler(0.8, 40, 0.9, 0.0, -1, nil)
		for i := 0; i < 20; i++ {
			s.Sample(logits)
		}
		runtime.GC()
		best := 1e18
		for rep := 0; rep < 5; rep++ {
			const calls = 400
			c0 := threadNs()
			for i := 0; i < calls; i++ {
				s.Sample(logits)
			}
			if per := float64(threadNs()-c0) / calls / float64(n); per < best {
				best = per
			}
		}
		fmt.Printf("vocabulary %d: %.2f ns per entry (%.3f ms per call)\n", n, best, best*float64(n)/1e6)
	}
}
GO
(cd "$dir" && go test -v -count 1 -run TestSamplerPerEntry . | grep vocabulary)
