#pragma once
// Building blocks of the pictures tesg writes for people to look at (comparison grids, contact
// sheets, detection panels): scaled panels, text bars, sheets of labelled rows. Needs OpenCV.
#include <opencv2/core/mat.hpp>

#include <string>
#include <utility>
#include <vector>

namespace tesg::io {

/// `image` resized to `height` rows, aspect kept (area interpolation).
cv::Mat scaled_to_height(const cv::Mat& image, int height);

/// A white bar of `width` x `height` with `text` in black.
cv::Mat text_bar(const std::string& text, int width, int height);

/// The height of the text bar above a panel of `panel_height`.
int text_bar_height(int panel_height);

/// `header` above one line per (name, strip): the name, then the strip of `row_height` rows.
cv::Mat sheet_of_rows(const std::string& header, const std::vector<std::pair<std::string, cv::Mat>>& rows,
                      int row_height);

/// Encodes an 8-bit BGR image as PNG and writes it atomically; Error naming `path` on failure.
void write_png_atomically(const std::string& path, const cv::Mat& bgr);

}  // namespace tesg::io
