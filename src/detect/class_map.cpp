#include "tesg/detect/class_map.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "tesg/error.h"

namespace tesg::detect {
namespace {

int64_t detector_id_of(const std::string& cls, const std::vector<std::string>& names) {
  const auto it = std::find(names.begin(), names.end(), cls);
  if (it != names.end()) return it - names.begin();
  constexpr size_t kMaxIdDigits = 9;  // fits an int64 conversion with room to spare
  if (!cls.empty() && cls.size() <= kMaxIdDigits && std::all_of(cls.begin(), cls.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    const auto id = std::stoll(cls);
    if (id < static_cast<int64_t>(names.size())) return id;
  }
  throw Error("class '" + cls + "' is not one of the detector's " + std::to_string(names.size()) +
              " classes");
}

ClassMap sorted(ClassMap map) {
  std::stable_sort(map.entries.begin(), map.entries.end(),
                   [](const auto& a, const auto& b) { return a.label_id < b.label_id; });
  return map;
}

}  // namespace

std::vector<int64_t> ClassMap::detector_ids() const {
  std::vector<int64_t> ids;
  for (const auto& e : entries) ids.push_back(e.detector_id);
  return ids;
}

int ClassMap::label_of(int64_t detector_id) const {
  for (const auto& e : entries)
    if (e.detector_id == detector_id) return e.label_id;
  return -1;
}

std::string ClassMap::name_of_label(int label_id) const {
  for (const auto& e : entries)
    if (e.label_id == label_id) return e.name;
  return std::to_string(label_id);
}

bool ClassMap::scores_label(int label_id) const {
  return std::any_of(entries.begin(), entries.end(), [&](const Entry& e) { return e.label_id == label_id; });
}

int ClassMap::label_index(int label_id) const {
  for (size_t k = 0; k < entries.size(); ++k)
    if (entries[k].label_id == label_id) return static_cast<int>(k);
  return -1;
}

ClassMap parse_class_map(const std::string& spec, const std::vector<std::string>& detector_names) {
  ClassMap map;
  std::stringstream list(spec);
  for (std::string item; std::getline(list, item, ',');) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw Error("--classes: '" + item + "' is not NAME=LABEL_ID");
    const auto cls = item.substr(0, eq);
    const auto id = detector_id_of(cls, detector_names);
    try {
      map.entries.push_back({detector_names[id], id, std::stoi(item.substr(eq + 1))});
    } catch (const std::logic_error&) {
      throw Error("--classes: '" + item + "': the label id is not a number");
    }
  }
  if (map.entries.empty()) throw Error("--classes: no class given");
  return sorted(map);
}

ClassMap class_map_from_file(const std::string& path, const std::vector<std::string>& detector_names) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot be read");
  ClassMap map;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    std::istringstream fields(line);
    int label_id = 0;
    std::string name;
    if (!(fields >> label_id)) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      throw Error(path + ":" + std::to_string(line_no) + ": expected '<id> <name>'");
    }
    std::getline(fields >> std::ws, name);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.pop_back();
    try {
      map.entries.push_back({name, detector_id_of(name, detector_names), label_id});
    } catch (const Error& e) {
      throw Error(path + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  if (map.entries.empty()) throw Error(path + ": no classes");
  return sorted(map);
}

ClassMap identity_class_map(const std::vector<std::string>& detector_names) {
  ClassMap map;
  for (size_t k = 0; k < detector_names.size(); ++k)
    map.entries.push_back({detector_names[k], static_cast<int64_t>(k), static_cast<int>(k)});
  return map;
}

}  // namespace tesg::detect
