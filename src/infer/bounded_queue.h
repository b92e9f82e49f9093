#pragma once
// A blocking queue of bounded size between the I/O threads and the compute thread of tesg-fuse
// and tesg-video.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>

namespace tesg::infer {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  /// Waits for room, then appends `item`; once the queue is closed, `item` is discarded.
  void push(T item) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
  }

  /// Appends `item` without waiting: when the queue is full its oldest item makes room (a live
  /// source keeps the newest frame). Returns whether an item was dropped.
  bool push_dropping_oldest(T item) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return false;
    const bool full = items_.size() >= capacity_;
    if (full) items_.pop_front();
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return full;
  }

  /// Waits for an item; nullopt once the queue is closed and drained.
  std::optional<T> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  /// No more pushes: wakes every waiting pop and push.
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  size_t capacity_;
  std::deque<T> items_;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
};

}  // namespace tesg::infer
