#pragma once
// Which detector classes are scored, and as which label ids: by name, or spelled out.
#include <cstdint>
#include <string>
#include <vector>

namespace tesg::detect {

struct ClassMap {
  struct Entry {
    std::string name;
    int64_t detector_id = 0;
    int label_id = 0;
  };
  std::vector<Entry> entries;  ///< sorted by label id

  /// The detector ids to keep, for NMS.
  std::vector<int64_t> detector_ids() const;
  /// The label id of a detector class; -1 when it is not scored.
  int label_of(int64_t detector_id) const;
  std::string name_of_label(int label_id) const;
  bool scores_label(int label_id) const;
  /// The position of a label id among the entries; -1 when it is not scored.
  int label_index(int label_id) const;
};

/// `person=0,bicycle=1,car=2`: detector class (by name, or by id) = label id. Throws tesg::Error
/// naming an entry whose class the detector does not have.
ClassMap parse_class_map(const std::string& spec, const std::vector<std::string>& detector_names);

/// A label class file of lines `<id> <name>` (MSRS's det_classes.txt): each name matched to the
/// detector's class of that name. Throws tesg::Error "<path>:<line>: ..." for a malformed line
/// or a name the detector does not know.
ClassMap class_map_from_file(const std::string& path, const std::vector<std::string>& detector_names);

/// Every detector class as its own label id.
ClassMap identity_class_map(const std::vector<std::string>& detector_names);

}  // namespace tesg::detect
