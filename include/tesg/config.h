#pragma once
// The one configuration schema of tesg: a YAML file with sections model, loss, data, train, sig
// and output, parsed into these typed structs. Defaults live here and nowhere else;
// configs/tesg_msrs.yaml documents every key.
#include <cstdint>
#include <string>
#include <vector>

namespace tesg {

struct ModelConfig {               // YAML section `model`
  int64_t channels = 48;           // feature width C of encoders, MGCA, TDAF and decoder
  int64_t heads = 4;               // channel-attention heads; must divide channels
  int64_t blocks = 4;              // transformer blocks per encoder and in the decoder
  double ffn_factor = 2.66;        // GDFN hidden width = channels * ffn_factor
  int64_t text_dim = 768;          // width D of the text semantics Ft [B,L,D] (CLIP-L: 768)
  int64_t text_attn_dim = 96;      // TIVR attention width d
  int64_t text_heads = 4;          // TIVR attention heads; must divide text_attn_dim
  int64_t null_text_tokens = 77;   // tokens of the learned null text used without Ft
  bool mgca = true;                // mask-guided cross-attention (false: CA on whole images)
  bool tivr = true;                // text-informed visual reconstruction (false: Fr = Cat)
  bool gaf = true;                 // gated attentional fusion (false: 1x1 reduction of Fr)
  int64_t pad_multiple = 1;        // reflect-pad inputs to a multiple of this, crop back
  std::string base = "none";       // global residual output: none (paper) | max | edge_guided | visible
};

struct LossConfig {                // YAML section `loss`: L = sum of weight * term
  double intensity = 4.0;          // weight of L_int (L1 to the brighter source)
  double ssim_vi = 1.0;            // weight of 1 - SSIM(vi, F) on RGB
  double ssim_ir = 1.0;            // weight of 1 - SSIM(ir, gray(F))
  double color = 12.0;             // weight of L_color (L1 on Cb, Cr)
  double grad = 10.0;              // weight of L_grad (Sobel magnitudes)
  double qabf = 0.0;               // weight of L_qabf = 1 - Qabf (the evaluator's metric; not in the paper)
  double vif = 0.0;                // weight of L_vif = 1 - VIF / 2 (the evaluator's metric; not in the paper)
  int64_t ssim_window = 48;        // Gaussian window size (clipped to the image size)
  double ssim_sigma = 1.5;         // Gaussian window sigma
  // Task-driven training (tesg/task/): a frozen TorchScript detector judges fused crops.
  double task = 0.0;               // weight of L_task (0 = off); needs task_detector
  std::string task_detector;       // ultralytics TorchScript YOLO export (tesg-detect's --detector)
  std::string task_classes;        // scored classes as tesg-detect's --classes ("" = all)
  double task_confident = 0.25;    // a source score above this makes a target of the hinge
  double task_box = 1.0;           // weight of box agreement within L_task
  std::string task_labels;         // sub-folder of each data.train folder with YOLO labels
                                   // (<stem>.txt; "" or absent = unlabelled objective only)
  double task_label_iou = 0.5;     // a candidate overlapping a label box this much is matched
  double task_label_score = 0.5;   // matched candidates must score at least this
  int64_t task_crop = 256;         // square crops the detector sees, at its validation scale
  int64_t task_batch = 2;          // crops per L_task evaluation (global, split over ranks)
  int64_t task_every = 1;          // evaluate L_task every N-th step (cost control)
};

struct DataConfig {                // YAML section `data`
  std::vector<std::string> train;  // training dataset folders (ir/ + vi/ or a known layout)
  std::string val;                 // held-out folder for validation ("" = none)
  std::string split;               // split sub-folder for nested layouts (LLVIP), "" = auto
  int64_t crop = 96;               // square random-crop size in pixels
  bool hflip = true;               // random horizontal flips (joint over vi, ir, mask)
  bool vflip = true;               // random vertical flips (joint over vi, ir, mask)
  int64_t workers = 2;             // image-loading threads
};

struct TrainConfig {               // YAML section `train`
  int64_t epochs = 140;            // passes over the training pairs
  int64_t batch = 8;               // global batch size (split over ranks)
  double lr = 1e-4;                // AdamW peak learning rate
  double weight_decay = 0.05;      // AdamW decoupled weight decay
  double warmup_epochs = 1.0;      // linear warm-up length in epochs
  double warmup_factor = 1e-3;     // warm-up starts at lr * warmup_factor
  double poly_power = 0.9;         // poly decay exponent after warm-up
  double grad_clip = 0.0;          // max global gradient norm, 0 = off
  int64_t seed = 0;                // seed for weights, crops, flips and shuffling
  bool deterministic = false;      // deterministic kernels, no TF32 on GPUs (slower)
  int64_t val_every = 5;           // validate every N epochs (0 = never)
  std::string best_metric = "vs_max";  // picks best.pt (higher is better): a metric, or vs_max,
                                       // the worst of EN/SD/SCD/VIF/Qabf relative to max fusion
  int64_t max_nan_steps = 10;      // abort after this many non-finite losses in a row
  int64_t dist_timeout_s = 1800;   // data-parallel collectives fail after this (covers validation)
  int64_t threads = 0;             // intra-op CPU threads per process, 0 = all cores
  std::string device = "cpu";      // cpu | cuda | cuda:N ("cuda" with ranks: cuda:LOCAL_RANK)
  std::string amp = "none";        // mixed precision on CUDA: none | fp16 (loss scaling) | bf16
  bool activation_checkpointing = false;  // recompute transformer activations in backward:
                                          // far less memory, ~1 more forward of compute
  std::string resume = "auto";     // auto: continue output.dir/last.pt if this config's run left
                                   // one (a restarted job resumes by itself) | never | a .pt path
};

struct SigConfig {                 // YAML section `sig`: how masks and text semantics are made
  std::string masker = "saliency";    // saliency | file | diffedit | none
  std::string captioner = "none";     // file | blip | none
  std::string text_encoder = "none";  // clip | none (none: learned null text embedding)
  std::string cache;                  // SIG cache folder made by tesg-sig ("" = none)
  std::string masks_dir;              // masker `file`: <stem>.png masks (non-zero = target)
  std::string captions_file;          // captioner `file`: lines "<stem><TAB><caption>"
  std::vector<std::string> keywords = {  // key-object words removed from captions (Sec. 3.2)
      "person", "people", "man", "men", "woman", "women", "pedestrian", "pedestrians",
      "boy", "girl", "child", "children", "car", "cars", "truck", "bus", "vehicle",
      "van", "bike", "bicycle", "motorcycle", "motorbike"};
  double saliency_blur_sigma = 1.0;   // saliency: Gaussian smoothing of the infrared, pixels
  double saliency_threshold_k = 2.0;  // saliency: hot = above max(Otsu, mean + k std)
  int64_t saliency_open = 1;          // saliency: opening radius (removes speckle), pixels
  int64_t saliency_close = 3;         // saliency: closing radius (fills holes), pixels
  double saliency_min_area = 2e-4;    // saliency: smallest target, fraction of the image
  std::string sd_dir;                 // diffedit / clip: Stable Diffusion v1.x folder (unet/ vae/
                                      // text_encoder/ scheduler/ [tokenizer/])
  std::string blip_dir;               // blip: BLIP captioning folder (config.json, model.safetensors)
  std::string device = "cpu";         // native backends: cpu | cuda | cuda:N
  std::string precision = "fp32";     // native backends: fp32 | fp16 | bf16 (fp16, bf16 need CUDA)
  std::string blip_prompt = "a picture of ";  // blip: caption prefix (kept in the caption)
  int64_t blip_beams = 3;             // blip: beam-search width (1 = greedy)
  int64_t blip_min_length = 5;        // blip: shortest caption in tokens, prompt included
  int64_t blip_max_length = 20;       // blip: longest caption in tokens, prompt included
  int64_t diffedit_maps = 10;         // diffedit: noise draws averaged per mask
  double diffedit_strength = 0.5;     // diffedit: noise level (fraction of the DDIM schedule)
  double diffedit_threshold_ratio = 3.0;  // diffedit: clamp at ratio x mean, threshold at 0.5
  int64_t diffedit_steps = 50;        // diffedit: DDIM inference steps (the timestep grid)
  int64_t diffedit_batch = 20;        // diffedit: UNet samples per call (memory bound)
  int64_t seed = 0;                   // diffedit: noise seed (mixed with each pair's stem)
};

struct OutputConfig {              // YAML section `output`
  std::string dir = "runs/tesg";   // run folder: checkpoints, logs, curves
  int64_t log_interval = 20;       // steps between progress lines
  int64_t save_every = 1;          // epochs between checkpoints
};

struct FuseConfig {                // YAML section `fuse`: batch fusion (tesg-fuse)
  std::string device = "cpu";      // cpu | cuda | cuda:N
  std::string precision = "fp32";  // fp32 | fp16 | bf16 (fp16 and bf16 need CUDA)
  int64_t batch = 1;               // pairs of equal size fused in one forward pass
  int64_t threads = 0;             // intra-op CPU threads, 0 = all cores
  int64_t io_threads = 2;          // threads decoding inputs and encoding outputs
  int64_t tile_pixels = 1500000;   // frames with more pixels are fused in overlapping tiles
  int64_t tile_overlap = 64;       // overlap of neighbouring tiles in pixels, blended smoothly
  int64_t grid_height = 360;       // panel height of the --grid comparison images, pixels
  int64_t sheet_row_height = 120;  // row height of the --grid contact sheet, pixels
  int64_t sheet_max_pairs = 200;   // pairs shown on the contact sheet (the first ones)
  // Video (tesg-video, tesg::StreamFuser): semantic inputs on key frames, carried between them.
  int64_t sig_every = 10;          // a key frame every N frames (1 = SIG on every frame)
  double scene_change = 0.35;      // histogram distance (Bhattacharyya, 0..1) to the key frame
                                   // that makes a new key frame; 0 = never by content
  std::string video_flow = "fast";  // DIS optical flow preset: ultrafast | fast | medium
  std::string video_codec = "avc1";  // FourCC of the written video (avc1 = H.264)
  double frame_rate = 30;          // frames per second of numbered frame folders (no rate stored)
  int64_t video_queue = 4;         // frames buffered between decoding, fusing and encoding
};

struct Config {
  ModelConfig model;
  LossConfig loss;
  DataConfig data;
  TrainConfig train;
  SigConfig sig;
  OutputConfig output;
  FuseConfig fuse;
};

/// Parses a YAML config file, then applies `overrides` ("section.key=value", YAML values).
/// Throws ConfigError naming file, line and key path for unknown keys, wrong types and bad values.
Config load_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// As load_config, from YAML text; `source` names it in error messages.
Config parse_config(const std::string& yaml, const std::string& source,
                    const std::vector<std::string>& overrides = {});

/// The resolved config as YAML (every key), e.g. to save into a run folder.
std::string to_yaml(const Config& config);

}  // namespace tesg
