#include "tesg/data/pair_discovery.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "tesg/error.h"

namespace tesg::data {
namespace fs = std::filesystem;
namespace {

struct Layout {
  const char* ir;
  const char* vi;
};
constexpr Layout kLayouts[] = {{"ir", "vi"}, {"cropinfrared", "crop_LR_visible"},
                               {"infrared", "visible"}};

bool has_images(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_image_file(entry.path().string())) return true;
  }
  return false;
}

std::vector<std::string> sub_folders(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The folder that holds a layout's images: `dir` itself or its split sub-folder.
fs::path resolve_split(const fs::path& dir, const std::string& split) {
  if (!split.empty()) {
    if (!fs::is_directory(dir / split)) {
      throw DataError((dir / split).string() + ": no such split folder");
    }
    return dir / split;
  }
  if (has_images(dir)) return dir;
  const auto splits = sub_folders(dir);
  if (splits.size() == 1) return dir / splits[0];
  std::string list;
  for (const auto& s : splits) list += (list.empty() ? "" : ", ") + s;
  throw DataError(dir.string() + ": " +
                  (splits.empty() ? "no images" : "several splits (" + list + "): choose one"));
}

}  // namespace

bool is_image_file(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".tif" ||
         ext == ".tiff";
}

std::map<std::string, std::string> images_by_stem(const std::string& dir,
                                                  std::vector<std::string>& problems) {
  if (!fs::is_directory(dir)) throw DataError(dir + ": no such folder");
  std::map<std::string, std::string> found;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_image_file(entry.path().string())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const auto stem = file.stem().string();
    const auto [it, inserted] = found.emplace(stem, file.string());
    if (!inserted) {
      problems.push_back(file.string() + ": stem '" + stem + "' also used by " + it->second +
                         " (ambiguous, skipped)");
    }
  }
  return found;
}

PairSet find_pairs(const std::string& root, const std::string& split) {
  const fs::path base(root);
  if (!fs::is_directory(base)) throw DataError(root + ": no such folder");
  const Layout* layout = nullptr;
  for (const auto& candidate : kLayouts) {
    if (fs::is_directory(base / candidate.ir) && fs::is_directory(base / candidate.vi)) {
      layout = &candidate;
      break;
    }
  }
  if (!layout) {
    throw DataError(root +
                    ": no infrared/visible folders (expected ir/ + vi/, cropinfrared/ + "
                    "crop_LR_visible/, or infrared/[split/] + visible/[split/])");
  }
  PairSet set;
  set.ir_dir = resolve_split(base / layout->ir, split).string();
  set.vi_dir = resolve_split(base / layout->vi, split).string();
  const auto ir = images_by_stem(set.ir_dir, set.problems);
  const auto vi = images_by_stem(set.vi_dir, set.problems);
  for (const auto& [stem, ir_path] : ir) {
    const auto match = vi.find(stem);
    if (match == vi.end()) {
      set.problems.push_back(ir_path + ": no visible image with stem '" + stem + "'");
    } else {
      set.pairs.push_back({stem, ir_path, match->second});
    }
  }
  for (const auto& [stem, vi_path] : vi) {
    if (!ir.count(stem)) {
      set.problems.push_back(vi_path + ": no infrared image with stem '" + stem + "'");
    }
  }
  return set;
}

namespace {

// The stem a report line names first: "<stem>: ..." or "<path>/<stem>.<png|txt|...>: ...".
std::string named_stem(const std::string& line) {
  const fs::path named(line.substr(0, line.find(": ")));
  const auto extension = named.extension().string();
  return is_image_file(named.string()) || extension == ".txt" ? named.stem().string() : named.filename().string();
}

}  // namespace

void sort_in_pair_order(std::vector<std::string>& lines, size_t first) {
  std::vector<std::pair<std::string, std::string>> keyed;
  for (size_t i = first; i < lines.size(); ++i) keyed.emplace_back(named_stem(lines[i]), std::move(lines[i]));
  std::sort(keyed.begin(), keyed.end());
  for (size_t i = 0; i < keyed.size(); ++i) lines[first + i] = std::move(keyed[i].second);
}

}  // namespace tesg::data
