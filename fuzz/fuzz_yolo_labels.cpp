// Fuzzes the YOLO label files tesg-detect reads (and the `<id> <name>` label-class file it may
// be given): any bytes end in objects with ordered corners or in a tesg::Error.
#include "fuzz_input.h"
#include "tesg/detect/class_map.h"
#include "tesg/detect/yolo_labels.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tesg;
  const auto path = fuzz::write_input("labels.txt", data, size);
  fuzz::expect_only_tesg_errors([&] {
    for (const auto& o : detect::read_yolo_labels(path, 640, 480)) {
      fuzz::check(o.cls >= 0, "negative class id accepted");
      fuzz::check(o.box.x1 <= o.box.x2 && o.box.y1 <= o.box.y2, "box corners out of order");
    }
  });
  fuzz::expect_only_tesg_errors([&] {
    const auto map = detect::class_map_from_file(path, {"person", "bicycle", "car"});
    fuzz::check(!map.entries.empty(), "empty class map accepted");
  });
  return 0;
}
