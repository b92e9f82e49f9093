#!/usr/bin/env bash
# Downloads the foundation-model weights of the native SIG backends from the Hugging Face hub
# with plain curl: Stable Diffusion v1.5 (unet, vae, text_encoder, tokenizer, scheduler) and
# BLIP base captioning. About 4.6 GB (fp32 UNet 3.4 GB).
#
# NOT TESTED HERE: the machine this project is built on has no internet access. The file list
# follows the public repositories' layouts; check the licences before use (SD v1.5: CreativeML
# OpenRAIL-M; BLIP: BSD-3-Clause).
#
# Usage: scripts/download_sig_weights.sh [DEST]   (default models/sig)
# Then:  tesg-sig --set sig.sd_dir=DEST/stable-diffusion-v1-5 --set sig.blip_dir=DEST/blip ...
set -euo pipefail
DEST="${1:-models/sig}"
HUB="${HF_ENDPOINT:-https://huggingface.co}"
SD_REPO="${SD_REPO:-stable-diffusion-v1-5/stable-diffusion-v1-5}"
BLIP_REPO="${BLIP_REPO:-Salesforce/blip-image-captioning-base}"

fetch() {  # repo, path in repo, destination file
  local url="$HUB/$1/resolve/main/$2"
  mkdir -p "$(dirname "$3")"
  if [ -s "$3" ]; then echo "have $3"; return; fi
  echo "get  $url"
  curl -fL --retry 3 -o "$3.part" ${HF_TOKEN:+-H "Authorization: Bearer $HF_TOKEN"} "$url"
  mv "$3.part" "$3"
}

SD="$DEST/stable-diffusion-v1-5"
for f in unet/config.json unet/diffusion_pytorch_model.safetensors \
         vae/config.json vae/diffusion_pytorch_model.safetensors \
         text_encoder/config.json text_encoder/model.safetensors \
         tokenizer/vocab.json tokenizer/merges.txt scheduler/scheduler_config.json; do
  fetch "$SD_REPO" "$f" "$SD/$f"
done
for f in config.json model.safetensors vocab.txt; do
  fetch "$BLIP_REPO" "$f" "$DEST/blip/$f"
done
echo "done: sig.sd_dir=$SD sig.blip_dir=$DEST/blip"
