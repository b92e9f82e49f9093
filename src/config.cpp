#include "tesg/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "tesg/error.h"
#include "tesg/io/read_file.h"

namespace tesg {
namespace {

// Where a value came from, for messages: "configs/x.yaml:14" or "--set train.lr".
struct Origin {
  std::string source;
  std::set<std::string> overridden;  // key paths set from the command line

  std::string at(const YAML::Node& node, const std::string& key_path) const {
    if (overridden.count(key_path)) return "--set " + key_path;
    return at(node.Mark());
  }
  std::string at(const YAML::Mark& mark) const {
    return mark.line >= 0 ? source + ":" + std::to_string(mark.line + 1) : source;
  }
};

[[noreturn]] void fail(const Origin& origin, const YAML::Node& node, const std::string& key_path,
                       const std::string& problem) {
  throw ConfigError(origin.at(node, key_path) + ": " + key_path + ": " + problem);
}

template <class T>
using Check = std::function<std::string(const T&)>;  // "" when valid, else the problem

template <class T>
const char* expected_type();
template <>
const char* expected_type<int64_t>() { return "an integer"; }
template <>
const char* expected_type<double>() { return "a number"; }
template <>
const char* expected_type<bool>() { return "true or false"; }
template <>
const char* expected_type<std::string>() { return "a string"; }
template <>
const char* expected_type<std::vector<std::string>>() { return "a list of strings"; }

std::string shown(const YAML::Node& node) {
  if (node.IsScalar()) return "\"" + node.Scalar() + "\"";
  return node.IsSequence() ? "a list" : node.IsMap() ? "a mapping" : "nothing";
}

template <class S>
struct Field {
  std::string name;
  std::function<void(S&, const YAML::Node&, const std::string&, const Origin&)> read;
  std::function<void(const S&, YAML::Emitter&)> write;
};

template <class S, class T>
Field<S> field(std::string name, T S::*member, Check<T> check = {}) {
  Field<S> f;
  f.name = std::move(name);
  f.read = [member, check](S& s, const YAML::Node& node, const std::string& key_path,
                           const Origin& origin) {
    T value;
    bool scalar_ok = std::is_same<T, std::vector<std::string>>::value ? node.IsSequence()
                                                                       : node.IsScalar();
    bool decoded = false;
    try {  // a list of lists, say, throws from inside yaml-cpp's conversion
      decoded = scalar_ok && YAML::convert<T>::decode(node, value);
    } catch (const YAML::Exception&) {
    }
    if (!decoded) {
      fail(origin, node, key_path,
           std::string("expected ") + expected_type<T>() + ", got " + shown(node));
    }
    if (check) {
      const std::string problem = check(value);
      if (!problem.empty()) fail(origin, node, key_path, problem + ", got " + shown(node));
    }
    s.*member = std::move(value);
  };
  f.write = [member, name = f.name](const S& s, YAML::Emitter& out) {
    out << YAML::Key << name << YAML::Value;
    if constexpr (std::is_same<T, std::vector<std::string>>::value) {
      out << YAML::Flow << s.*member;
    } else {
      out << s.*member;
    }
  };
  return f;
}

template <class T>
Check<T> positive() {
  return [](const T& v) { return v > 0 ? "" : std::string("expected a positive number"); };
}
template <class T>
Check<T> non_negative() {
  return [](const T& v) { return v >= 0 ? "" : std::string("expected a number >= 0"); };
}
Check<double> in_unit_interval() {
  return [](const double& v) {
    return (v > 0 && v <= 1) ? "" : std::string("expected a number in (0, 1]");
  };
}
Check<double> fraction() {
  return [](const double& v) { return (v >= 0 && v <= 1) ? "" : std::string("expected a number in [0, 1]"); };
}
Check<std::string> fourcc() {
  return [](const std::string& v) {
    const bool ok = v.size() == 4 && std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(c); });
    return ok ? std::string() : std::string("expected a FourCC of 4 letters or digits, e.g. avc1");
  };
}
Check<std::string> one_of(std::vector<std::string> choices) {
  return [choices](const std::string& v) {
    if (std::find(choices.begin(), choices.end(), v) != choices.end()) return std::string();
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : " | ") + c;
    return "expected one of " + list;
  };
}
Check<std::string> device_name() {
  return [](const std::string& v) {
    const bool ok = v == "cpu" || v == "cuda" ||
                    (v.rfind("cuda:", 0) == 0 && v.size() > 5 &&
                     std::all_of(v.begin() + 5, v.end(), ::isdigit));
    return ok ? std::string() : std::string("expected cpu, cuda or cuda:N");
  };
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string unknown_key_problem(const std::string& key, const std::vector<std::string>& known,
                                const std::string& prefix) {
  std::string best;
  size_t best_distance = 3;  // suggest only names at most two edits away
  for (const auto& name : known) {
    const size_t d = edit_distance(key, name);
    if (d < best_distance) best_distance = d, best = name;
  }
  return best.empty() ? "unknown key" : "unknown key (did you mean " + prefix + best + "?)";
}

template <class S>
void parse_section(S& s, const std::vector<Field<S>>& fields, const YAML::Node& node,
                   const std::string& section, const Origin& origin) {
  if (!node || node.IsNull()) return;
  if (!node.IsMap()) fail(origin, node, section, "expected a mapping of keys");
  std::vector<std::string> known;
  for (const auto& f : fields) known.push_back(f.name);
  for (const auto& entry : node) {
    const auto key = entry.first.as<std::string>();
    const std::string key_path = section + "." + key;
    const auto it = std::find_if(fields.begin(), fields.end(),
                                 [&](const Field<S>& f) { return f.name == key; });
    if (it == fields.end()) {
      fail(origin, entry.first, key_path, unknown_key_problem(key, known, section + "."));
    }
    it->read(s, entry.second, key_path, origin);
  }
}

template <class S>
void write_section(const S& s, const std::vector<Field<S>>& fields, const std::string& section,
                   YAML::Emitter& out) {
  out << YAML::Key << section << YAML::Value << YAML::BeginMap;
  for (const auto& f : fields) f.write(s, out);
  out << YAML::EndMap;
}

const std::vector<Field<ModelConfig>>& model_fields() {
  using M = ModelConfig;
  static const std::vector<Field<M>> fields = {
      field("channels", &M::channels, positive<int64_t>()),
      field("heads", &M::heads, positive<int64_t>()),
      field("blocks", &M::blocks, positive<int64_t>()),
      field("ffn_factor", &M::ffn_factor, positive<double>()),
      field("text_dim", &M::text_dim, positive<int64_t>()),
      field("text_attn_dim", &M::text_attn_dim, positive<int64_t>()),
      field("text_heads", &M::text_heads, positive<int64_t>()),
      field("null_text_tokens", &M::null_text_tokens, positive<int64_t>()),
      field("mgca", &M::mgca),
      field("tivr", &M::tivr),
      field("gaf", &M::gaf),
      field("pad_multiple", &M::pad_multiple, positive<int64_t>()),
      field("base", &M::base, one_of({"none", "max", "edge_guided", "visible"})),
  };
  return fields;
}

const std::vector<Field<LossConfig>>& loss_fields() {
  using L = LossConfig;
  static const std::vector<Field<L>> fields = {
      field("intensity", &L::intensity, non_negative<double>()),
      field("ssim_vi", &L::ssim_vi, non_negative<double>()),
      field("ssim_ir", &L::ssim_ir, non_negative<double>()),
      field("color", &L::color, non_negative<double>()),
      field("grad", &L::grad, non_negative<double>()),
      field("qabf", &L::qabf, non_negative<double>()),
      field("vif", &L::vif, non_negative<double>()),
      field("ssim_window", &L::ssim_window, positive<int64_t>()),
      field("ssim_sigma", &L::ssim_sigma, positive<double>()),
      field("task", &L::task, non_negative<double>()),
      field("task_detector", &L::task_detector),
      field("task_classes", &L::task_classes),
      field("task_confident", &L::task_confident, in_unit_interval()),
      field("task_box", &L::task_box, non_negative<double>()),
      field("task_labels", &L::task_labels),
      field("task_label_iou", &L::task_label_iou, in_unit_interval()),
      field("task_label_score", &L::task_label_score, in_unit_interval()),
      field("task_crop", &L::task_crop, positive<int64_t>()),
      field("task_batch", &L::task_batch, positive<int64_t>()),
      field("task_every", &L::task_every, positive<int64_t>()),
  };
  return fields;
}

const std::vector<Field<DataConfig>>& data_fields() {
  using D = DataConfig;
  static const std::vector<Field<D>> fields = {
      field("train", &D::train),
      field("val", &D::val),
      field("split", &D::split),
      field("crop", &D::crop, positive<int64_t>()),
      field("hflip", &D::hflip),
      field("vflip", &D::vflip),
      field("workers", &D::workers, non_negative<int64_t>()),
  };
  return fields;
}

const std::vector<Field<TrainConfig>>& train_fields() {
  using T = TrainConfig;
  static const std::vector<Field<T>> fields = {
      field("epochs", &T::epochs, positive<int64_t>()),
      field("batch", &T::batch, positive<int64_t>()),
      field("lr", &T::lr, positive<double>()),
      field("weight_decay", &T::weight_decay, non_negative<double>()),
      field("warmup_epochs", &T::warmup_epochs, non_negative<double>()),
      field("warmup_factor", &T::warmup_factor, in_unit_interval()),
      field("poly_power", &T::poly_power, non_negative<double>()),
      field("grad_clip", &T::grad_clip, non_negative<double>()),
      field("seed", &T::seed, non_negative<int64_t>()),
      field("deterministic", &T::deterministic),
      field("val_every", &T::val_every, non_negative<int64_t>()),
      field("best_metric", &T::best_metric, one_of({"vs_max", "EN", "SD", "SF", "AG", "MI", "SCD",
                                                   "VIF", "Qabf", "SSIM", "CC"})),
      field("max_nan_steps", &T::max_nan_steps, positive<int64_t>()),
      field("dist_timeout_s", &T::dist_timeout_s, positive<int64_t>()),
      field("threads", &T::threads, non_negative<int64_t>()),
      field("device", &T::device, device_name()),
      field("amp", &T::amp, one_of({"none", "fp16", "bf16"})),
      field("activation_checkpointing", &T::activation_checkpointing),
      field("resume", &T::resume),
  };
  return fields;
}

const std::vector<Field<SigConfig>>& sig_fields() {
  using G = SigConfig;
  static const std::vector<Field<G>> fields = {
      field("masker", &G::masker, one_of({"saliency", "file", "diffedit", "none"})),
      field("captioner", &G::captioner, one_of({"file", "blip", "none"})),
      field("text_encoder", &G::text_encoder, one_of({"clip", "none"})),
      field("cache", &G::cache),
      field("masks_dir", &G::masks_dir),
      field("captions_file", &G::captions_file),
      field("keywords", &G::keywords),
      field("saliency_blur_sigma", &G::saliency_blur_sigma, positive<double>()),
      field("saliency_threshold_k", &G::saliency_threshold_k, non_negative<double>()),
      field("saliency_open", &G::saliency_open, non_negative<int64_t>()),
      field("saliency_close", &G::saliency_close, non_negative<int64_t>()),
      field("saliency_min_area", &G::saliency_min_area, non_negative<double>()),
      field("sd_dir", &G::sd_dir),
      field("blip_dir", &G::blip_dir),
      field("device", &G::device, device_name()),
      field("precision", &G::precision, one_of({"fp32", "fp16", "bf16"})),
      field("blip_prompt", &G::blip_prompt),
      field("blip_beams", &G::blip_beams, positive<int64_t>()),
      field("blip_min_length", &G::blip_min_length, non_negative<int64_t>()),
      field("blip_max_length", &G::blip_max_length, positive<int64_t>()),
      field("diffedit_maps", &G::diffedit_maps, positive<int64_t>()),
      field("diffedit_strength", &G::diffedit_strength, in_unit_interval()),
      field("diffedit_threshold_ratio", &G::diffedit_threshold_ratio, positive<double>()),
      field("diffedit_steps", &G::diffedit_steps, positive<int64_t>()),
      field("diffedit_batch", &G::diffedit_batch, positive<int64_t>()),
      field("seed", &G::seed, non_negative<int64_t>()),
  };
  return fields;
}

const std::vector<Field<OutputConfig>>& output_fields() {
  using O = OutputConfig;
  static const std::vector<Field<O>> fields = {
      field("dir", &O::dir),
      field("log_interval", &O::log_interval, positive<int64_t>()),
      field("save_every", &O::save_every, positive<int64_t>()),
  };
  return fields;
}

const std::vector<Field<FuseConfig>>& fuse_fields() {
  using F = FuseConfig;
  static const std::vector<Field<F>> fields = {
      field("device", &F::device, device_name()),
      field("precision", &F::precision, one_of({"fp32", "fp16", "bf16"})),
      field("batch", &F::batch, positive<int64_t>()),
      field("threads", &F::threads, non_negative<int64_t>()),
      field("io_threads", &F::io_threads, positive<int64_t>()),
      field("tile_pixels", &F::tile_pixels, positive<int64_t>()),
      field("tile_overlap", &F::tile_overlap, non_negative<int64_t>()),
      field("grid_height", &F::grid_height, positive<int64_t>()),
      field("sheet_row_height", &F::sheet_row_height, positive<int64_t>()),
      field("sheet_max_pairs", &F::sheet_max_pairs, non_negative<int64_t>()),
      field("sig_every", &F::sig_every, positive<int64_t>()),
      field("scene_change", &F::scene_change, fraction()),
      field("video_flow", &F::video_flow, one_of({"ultrafast", "fast", "medium"})),
      field("video_codec", &F::video_codec, fourcc()),
      field("frame_rate", &F::frame_rate, positive<double>()),
      field("video_queue", &F::video_queue, positive<int64_t>()),
  };
  return fields;
}

const std::vector<std::string> kSections = {"model", "loss", "data", "train",
                                            "sig",   "output", "fuse"};

// Cross-field rules that no single key can check.
void validate(const Config& c, const std::string& source) {
  if (c.model.channels % c.model.heads != 0) {
    throw ConfigError(source + ": model.heads: " + std::to_string(c.model.heads) +
                      " must divide model.channels (" + std::to_string(c.model.channels) + ")");
  }
  if (c.loss.task > 0 && c.loss.task_detector.empty()) {
    throw ConfigError(source + ": loss.task: a task loss needs loss.task_detector (a TorchScript YOLO export)");
  }
  if (c.model.text_attn_dim % c.model.text_heads != 0) {
    throw ConfigError(source + ": model.text_heads: " + std::to_string(c.model.text_heads) +
                      " must divide model.text_attn_dim (" +
                      std::to_string(c.model.text_attn_dim) + ")");
  }
}

void apply_override(YAML::Node& root, const std::string& assignment, Origin& origin) {
  const auto eq = assignment.find('=');
  const std::string key_path = assignment.substr(0, eq);
  const auto dot = key_path.find('.');
  if (eq == std::string::npos || dot == std::string::npos ||
      key_path.find('.', dot + 1) != std::string::npos) {
    throw ConfigError("--set " + assignment + ": expected section.key=value");
  }
  const std::string section = key_path.substr(0, dot), key = key_path.substr(dot + 1);
  YAML::Node value;
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + key_path + ": invalid YAML value: " + e.msg);
  }
  if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
    throw ConfigError("--set " + key_path + ": " +
                      unknown_key_problem(section, kSections, "") + " (section)");
  }
  if (!root[section] || root[section].IsNull()) root[section] = YAML::Node(YAML::NodeType::Map);
  root[section][key] = value;
  origin.overridden.insert(key_path);
}

}  // namespace

Config parse_config(const std::string& yaml, const std::string& source,
                    const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(Origin{source, {}}.at(e.mark) + ": invalid YAML: " + e.msg);
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  Origin origin{source, {}};
  if (!root.IsMap()) throw ConfigError(source + ": expected a mapping of sections");
  Config c;
  try {  // what the checks below do not foresee (a mapping as a key, ...) still names the line
    for (const auto& assignment : overrides) apply_override(root, assignment, origin);
    for (const auto& entry : root) {
      const auto name = entry.first.as<std::string>();
      if (std::find(kSections.begin(), kSections.end(), name) == kSections.end()) {
        fail(origin, entry.first, name, unknown_key_problem(name, kSections, "") + " (section)");
      }
    }
    parse_section(c.model, model_fields(), root["model"], "model", origin);
    parse_section(c.loss, loss_fields(), root["loss"], "loss", origin);
    parse_section(c.data, data_fields(), root["data"], "data", origin);
    parse_section(c.train, train_fields(), root["train"], "train", origin);
    parse_section(c.sig, sig_fields(), root["sig"], "sig", origin);
    parse_section(c.output, output_fields(), root["output"], "output", origin);
    parse_section(c.fuse, fuse_fields(), root["fuse"], "fuse", origin);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin.at(e.mark) + ": invalid config: " + e.msg);
  }
  validate(c, source);
  return c;
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::string problem;
  const auto text = io::read_file(path, problem);
  if (!text) throw ConfigError(path + ": cannot open config file (" + problem + ")");
  return parse_config(*text, path, overrides);
}

std::string to_yaml(const Config& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  write_section(c.model, model_fields(), "model", out);
  write_section(c.loss, loss_fields(), "loss", out);
  write_section(c.data, data_fields(), "data", out);
  write_section(c.train, train_fields(), "train", out);
  write_section(c.sig, sig_fields(), "sig", out);
  write_section(c.output, output_fields(), "output", out);
  write_section(c.fuse, fuse_fields(), "fuse", out);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace tesg
