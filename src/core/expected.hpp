// A value or a one-line error message. The pure core returns these instead of
// throwing so that callers on the plugin's C boundary never see an exception,
// and so that every failure carries the text the user will read.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace asbb {

struct Error {
    std::string message;  // one line, lower case start, no trailing period
};

template <class T>
class [[nodiscard]] Expected {
  public:
    Expected(T value) : state_(std::move(value)) {}
    Expected(Error error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    const T& value() const& {
        assert(ok());
        return std::get<T>(state_);
    }
    T& value() & {
        assert(ok());
        return std::get<T>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(state_));
    }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const std::string& error() const {
        assert(!ok());
        return std::get<Error>(state_).message;
    }

  private:
    std::variant<T, Error> state_;
};

inline Error make_error(std::string message) {
    return Error{std::move(message)};
}

}  // namespace asbb
