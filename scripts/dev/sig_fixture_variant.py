#!/usr/bin/env python3
"""Writes a second SIG fixture set in the format of shared/fixtures/sig, with other tiny shapes
(three UNet/VAE blocks, other widths, head and layer counts), for the CLIP text encoder, the
UNet, the VAE encoder and the DDIM schedule, computed by transformers / diffusers; the BLIP,
DiffEdit and tokenizer fixtures are linked from the original set (DiffEdit's goldens belong to
the original models, so its test and the native SIG pipeline test do not apply to this set).

    python3 scripts/dev/sig_fixture_variant.py OUT [--shared ../shared/fixtures/sig]
    TESG_SIG_FIXTURES=OUT build/tests/tesg_tests --gtest_filter='ClipText*:UNet*:VaeEncoder*:DdimSchedule*:Safetensors*'

A developer tool (pip: torch transformers==4.40.* diffusers==0.27.2 safetensors), never used
by tesg at run time.
"""
import argparse
import json
import os
import shutil

import torch
from safetensors.torch import load_file, save_file


def redraw(model, seed):
    """Every parameter drawn anew, so that no layer starts at zero and the goldens say something."""
    for k, (name, p) in enumerate(model.named_parameters()):
        g = torch.Generator().manual_seed(seed + k)
        with torch.no_grad():
            if name.endswith("weight") and p.dim() == 1:  # norms
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_((0.2 if p.dim() > 1 else 0.05) * torch.randn(p.shape, generator=g))


def clip(out, shared):
    from transformers import CLIPTextConfig, CLIPTextModel
    config = CLIPTextConfig(vocab_size=49408, hidden_size=48, intermediate_size=80, num_hidden_layers=3,
                            num_attention_heads=3, max_position_embeddings=77, hidden_act="quick_gelu")
    model = CLIPTextModel(config).eval()
    redraw(model, 10)
    model.save_pretrained(out, safe_serialization=True)
    ids = load_file(os.path.join(shared, "clip_text", "io.safetensors"))["input_ids"]
    with torch.no_grad():
        hidden = model(ids).last_hidden_state
    save_file({"input_ids": ids, "last_hidden_state": hidden.contiguous()}, os.path.join(out, "io.safetensors"),
              metadata={"format": "pt"})


def unet(out):
    from diffusers import UNet2DConditionModel
    model = UNet2DConditionModel(
        sample_size=16, in_channels=4, out_channels=4, block_out_channels=(16, 32, 48), layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=48, attention_head_dim=4, norm_num_groups=8).eval()
    redraw(model, 20)
    model.save_pretrained(out, safe_serialization=True)
    g = torch.Generator().manual_seed(1)
    sample = torch.randn(2, 4, 16, 16, generator=g)
    text = torch.randn(2, 77, 48, generator=g)
    timesteps = torch.tensor([981, 481])
    with torch.no_grad():
        eps = model(sample, timesteps, encoder_hidden_states=text).sample
        eps_scalar = model(sample, torch.tensor(481), encoder_hidden_states=text).sample
    save_file({"sample": sample, "timesteps": timesteps, "encoder_hidden_states": text, "eps": eps,
               "timestep_scalar": torch.tensor(481), "eps_scalar_t": eps_scalar},
              os.path.join(out, "io.safetensors"), metadata={"format": "pt"})


def vae(out):
    from diffusers import AutoencoderKL
    model = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(16, 24, 32),
                          down_block_types=("DownEncoderBlock2D",) * 3, up_block_types=("UpDecoderBlock2D",) * 3,
                          layers_per_block=2, norm_num_groups=8, sample_size=32, scaling_factor=0.13025).eval()
    redraw(model, 30)
    model.save_pretrained(out, safe_serialization=True)
    image = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(2)) * 2 - 1
    with torch.no_grad():
        posterior = model.encode(image).latent_dist
    io = {"image": image, "mean": posterior.mean, "logvar": posterior.logvar, "std": posterior.std,
          "scaling_factor": torch.tensor([0.13025])}
    save_file({k: v.contiguous() for k, v in io.items()}, os.path.join(out, "io.safetensors"), metadata={"format": "pt"})


def ddim(out):
    from diffusers import DDIMScheduler
    s = DDIMScheduler(num_train_timesteps=500, beta_start=0.0001, beta_end=0.015, beta_schedule="scaled_linear",
                      clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    s.save_config(out)
    io = {"betas": s.betas, "alphas_cumprod": s.alphas_cumprod,
          "final_alpha_cumprod": torch.tensor(float(s.final_alpha_cumprod))}
    for steps in (50, 25):
        s.set_timesteps(steps)
        io[f"timesteps_{steps}"] = s.timesteps.clone()
        # DiffEdit's strength cut: the last int(steps * strength) timesteps
        io[f"diffedit_timesteps_{steps}_strength_0.5"] = s.timesteps[steps - int(steps * 0.5):].clone()
    g = torch.Generator().manual_seed(3)
    x0, noise = torch.randn(2, 4, 8, 8, generator=g), torch.randn(2, 4, 8, 8, generator=g)
    io.update({"add_noise.original": x0, "add_noise.noise": noise, "add_noise.timestep": torch.tensor([241]),
               "add_noise.noisy": s.add_noise(x0, noise, torch.tensor([241])),
               "add_noise.timesteps_vec": torch.tensor([491, 11]),
               "add_noise.noisy_vec": s.add_noise(x0, noise, torch.tensor([491, 11]))})
    s.set_timesteps(50)
    eps, sample = torch.randn(2, 4, 8, 8, generator=g), torch.randn(2, 4, 8, 8, generator=g)
    t0, t1 = s.timesteps[0], s.timesteps[1]
    step0 = s.step(eps, t0, sample).prev_sample
    step1 = s.step(eps, t1, step0).prev_sample
    io.update({"step.timesteps": torch.stack([t0, t1]), "step.model_output": eps, "step.sample0": sample,
               "step0.prev_sample": step0, "step1.prev_sample": step1})
    save_file({k: v.contiguous() for k, v in io.items()}, os.path.join(out, "io.safetensors"), metadata={"format": "pt"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "../../../shared/fixtures/sig"))
    args = parser.parse_args()
    shared = os.path.abspath(args.shared)
    os.makedirs(args.out, exist_ok=True)
    for name, make in (("clip_text", lambda d: clip(d, shared)), ("unet", unet), ("vae", vae), ("ddim", ddim)):
        folder = os.path.join(args.out, name)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        make(folder)
    for name in ("blip", "blip_preprocess", "diffedit", "tokenizer_goldens.json", "clip_input_ids.safetensors"):
        link = os.path.join(args.out, name)
        if not os.path.lexists(link):
            os.symlink(os.path.join(shared, name), link)
    print(json.dumps({"written": args.out}))


if __name__ == "__main__":
    main()
