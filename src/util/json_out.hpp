// Writing compact JSON objects field by field (RapidJSON underneath): the
// service's replies and the plugin's spool lines. Exact money is written as a
// decimal number, never through a double.
#pragma once

#include <cstdint>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/money.hpp"

namespace asbb {

class JsonOut {
  public:
    JsonOut() : writer_(buffer_) {}
    rapidjson::Writer<rapidjson::StringBuffer>& w() { return writer_; }
    JsonOut& key(const std::string& name);
    JsonOut& text(const std::string& name, const std::string& value);
    JsonOut& money(const std::string& name, Money value);  // exact decimal number
    JsonOut& number(const std::string& name, int64_t value);
    JsonOut& flag(const std::string& name, bool value);
    // A fraction in parts per million as a decimal number (0.85).
    JsonOut& ppm(const std::string& name, int64_t value_ppm);
    std::string str() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

  private:
    rapidjson::StringBuffer buffer_;
    rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace asbb
