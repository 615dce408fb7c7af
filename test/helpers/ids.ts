// The library ids that docs/design.md says must exist.
export const HARDWARE_IDS = `v100-sxm2 a100-sxm4-40gb a100-sxm4-80gb h100-sxm h100-pcie h800-sxm h200-sxm gh200 b200 gb200 l40s l4
rtx-3090 rtx-4090 rtx-5090 dgx-spark jetson-agx-orin-64gb mi250x mi300x mi325x mi355x ascend-910b ascend-910c
ascend-310p tpu-v4 tpu-v5e tpu-v5p tpu-v6e gaudi2 gaudi3 apple-m1 apple-m1-ultra apple-m2-ultra apple-m3-ultra
apple-m4-pro apple-m4-max apple-a17-pro apple-a18-pro snapdragon-8-gen2 snapdragon-8-gen3 snapdragon-8-elite
snapdragon-8-elite-gen5 snapdragon-x-elite dimensity-9300 dimensity-9400`.split(/\s+/);

// Second round (docs/design.md "second round")
export const HARDWARE_IDS_2 = `gb300 h200-nvl rtx-pro-6000 radeon-ai-pro-r9700 ryzen-ai-max-plus-395 apple-m4 apple-m3-max
apple-m1-max xeon-6980p dimensity-9300-plus tpu-v7`.split(/\s+/);
HARDWARE_IDS.push(...HARDWARE_IDS_2);

export const MEMORY_IDS = 'hbm2e hbm3 hbm3e hbm4 lpddr5 lpddr5x gddr6 gddr6x gddr7 ddr5'.split(' ');

export const MODEL_IDS = `gpt-1 gpt2 gpt2-medium gpt2-large gpt2-xl gpt3-125m gpt3-350m gpt3-760m gpt3-1.3b gpt3-2.7b
gpt3-6.7b gpt3-13b gpt3-175b gpt4-moe-1.8t gpt-j-6b llama-2-7b llama-2-13b llama-2-70b llama-3.1-8b llama-3.1-70b
llama-3.1-405b llama-3.2-1b llama-3.2-3b llama-3.3-70b mistral-7b mixtral-8x7b mixtral-8x22b qwen2.5-72b
qwen3-235b-a22b deepseek-v3 grok-1 whisper-tiny whisper-base whisper-small whisper-medium whisper-large-v3 dit-s-2
dit-s-4 dit-b-2 dit-b-4 dit-l-2 dit-l-4 dit-xl-2 dit-xl-4 vit-b-16 vit-l-16 vit-h-14 clip-vit-l-14-text sd-vae
open-sora-1.2 flamingo-3b gpt4o-omni`.split(/\s+/);

// Second round (docs/design.md "second round"): the decoders; the diffusion ids join as their families land.
export const MODEL_IDS_2 = `gpt-oss-20b gpt-oss-120b qwen2.5-7b qwen2.5-32b qwen3-8b qwen3-32b qwen3-30b-a3b gemma-3-27b
llama-4-scout llama-4-maverick kimi-k2 deepseek-r1-distill-qwen-14b sd-3.5-large flux.1-dev wan-2.1-t2v-14b sdxl`.split(/\s+/);
MODEL_IDS.push(...MODEL_IDS_2);

// Common accelerators added for public measurements on them (session 10, hwlib): an unknown id is a guaranteed miss.
export const HARDWARE_IDS_3 = `tesla-t4 a10 a100-pcie-80gb rtx-a6000 rtx-6000-ada rtx-4080 apple-m2 apple-m2-max
apple-m3 a10g a100-pcie-40gb mi210 rtx-3080 rtx-3060 apple-m2-pro apple-m3-pro`.split(/\s+/);
HARDWARE_IDS.push(...HARDWARE_IDS_3);
