#pragma once
// Where a checkpoint comes from: the data it was trained on, the code and libraries that trained
// it, and how long. tesg-train records it in every checkpoint and in the run's model_card.md;
// `tesg-fuse --info CHECKPOINT` prints it.
#include <cstdint>
#include <string>
#include <vector>

#include "tesg/data/pair_discovery.h"

namespace tesg::train {

/// One folder of data.train as the run used it.
struct DataSource {
  std::string folder;     ///< as data.train names it
  int64_t pairs = 0;      ///< pairs trained on (unreadable ones left out)
  std::string list_hash;  ///< FNV-1a 64 of the pair list (pair_list_line per pair), 16 hex digits
};

struct Provenance {
  std::vector<DataSource> data;
  std::string git_commit;    ///< of the tesg sources the writer was built from; "unknown" outside git
  bool git_dirty = false;    ///< they had uncommitted changes to tracked files
  std::string tesg_version;  ///< of the writer
  std::string torch_version; ///< LibTorch of the writer, with "+cuda" when it had CUDA
  double train_seconds = 0;  ///< wall time of training, summed over resumes
  std::string recorded;      ///< "by tesg-train"; a note when added afterwards; "" = none recorded
};

/// The line of a pair in its folder's list hash: "<ir path>\t<vi path>\n", relative to the folder.
std::string pair_list_line(const std::string& folder, const std::string& ir, const std::string& vi);

/// DataSource::list_hash of the concatenated pair_list_line of a folder's pairs.
std::string list_hash(const std::string& pair_list);

/// The DataSource of `pairs`, those of `folder` a run used.
DataSource data_source(const std::string& folder, const std::vector<data::ImagePair>& pairs);

/// The code and library fields of this build: git_commit, git_dirty, tesg_version, torch_version.
Provenance this_build();

/// As JSON, and back; `source` names the text in the DataError of malformed JSON.
std::string to_json(const Provenance& provenance);
Provenance provenance_from_json(const std::string& json, const std::string& source);

/// "key: value" lines for people (tesg-fuse --info, model cards).
std::string describe(const Provenance& provenance);

}  // namespace tesg::train
