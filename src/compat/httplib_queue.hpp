// How cpp-httplib's TaskQueue differs between the Debian releases asbb
// builds on: 0.11 (Debian 12) declares `void enqueue(fn)`, 0.18 (Debian 13)
// and 0.41 (sid) `bool enqueue(fn)`, where false means "queue full, close
// the connection". Read off the header itself, not a version number.
#pragma once

#include <httplib.h>

#include <functional>
#include <type_traits>
#include <utility>

namespace asbb::compat {

using EnqueueResult =
    decltype(std::declval<httplib::TaskQueue&>().enqueue(std::declval<std::function<void()>>()));

// What an enqueue() that always takes the task returns (a template, so that
// `if constexpr` discards the branch that does not fit).
template <class Result = EnqueueResult>
Result enqueued() {
    if constexpr (!std::is_void_v<Result>) return true;
}

}  // namespace asbb::compat
