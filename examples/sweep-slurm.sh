#!/bin/bash
# A sweep split over a Slurm job array: task i (0-based) runs shard i+1 of N; a last step joins them.
#   sbatch examples/sweep-slurm.sh                     # 8 shards of examples/sweep-90k.yaml into results/
#   hwperf merge results/shard-*.csv --out results.csv   # after the array finishes (or: sbatch --dependency=afterok:<jobid> …)
# The merged results.csv and results.pareto.csv are byte for byte what one `hwperf sweep` writes.
#SBATCH --job-name=hwperf-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=8
#SBATCH --time=00:10:00
set -euo pipefail
SWEEP=${SWEEP:-examples/sweep-90k.yaml}
RESULTS=${RESULTS:-results}
N=${SLURM_ARRAY_TASK_COUNT:-8}
I=$((SLURM_ARRAY_TASK_ID + 1))   # Slurm counts from 0, --shard from 1
mkdir -p "$RESULTS"
hwperf sweep "$SWEEP" --shard "$I/$N" --workers "${SLURM_CPUS_PER_TASK:-1}" --out "$RESULTS/shard-$I-of-$N.csv" --force
