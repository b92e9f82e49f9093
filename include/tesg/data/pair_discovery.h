#pragma once
// Finding infrared/visible pairs in a dataset folder, matched by file stem.
#include <map>
#include <string>
#include <vector>

namespace tesg::data {

/// One infrared/visible pair: same stem in both folders.
struct ImagePair {
  std::string stem;
  std::string ir;  ///< path of the infrared image
  std::string vi;  ///< path of the visible image
};

/// The pairs of a folder, sorted by stem, and what could not be paired.
struct PairSet {
  std::string ir_dir, vi_dir;
  std::vector<ImagePair> pairs;
  std::vector<std::string> problems;  ///< one line per unpaired or ambiguous file, naming it
};

/// Finds the pairs under `root`. Layouts, in order: `ir/` + `vi/`; RoadScene's `cropinfrared/`
/// + `crop_LR_visible/`; `infrared/` + `visible/`, directly or in a split sub-folder
/// (LLVIP `infrared/<split>/`; `split` chooses one, "" takes the only one). Images: png, jpg,
/// jpeg, bmp, tif, tiff (any case). Throws DataError when `root` or a layout is missing.
PairSet find_pairs(const std::string& root, const std::string& split = "");

/// stem -> path of the image files directly in `dir`, by file name; a stem used by two files
/// keeps the first and adds a line naming both to `problems`. Throws DataError when `dir` is not
/// a folder.
std::map<std::string, std::string> images_by_stem(const std::string& dir,
                                                  std::vector<std::string>& problems);

/// True when `path` has one of the image extensions above.
bool is_image_file(const std::string& path);

/// Report lines that each name a pair first ("<stem>: ...", "<image or label file>: ...") sorted
/// in pair order: by that stem, as find_pairs orders pairs (ties by the whole line). Merged
/// shards and parallel workers then report as one process in order would. Lines before `first`
/// stay where they are.
void sort_in_pair_order(std::vector<std::string>& lines, size_t first = 0);

}  // namespace tesg::data
