// A small blocking HTTP client on libcurl, for the advisor and for the CLI
// talking to the asbb service. One deadline covers the whole call (connect,
// send, answer); the answer's size is capped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace asbb::net {

struct HttpCall {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    int64_t timeout_ms = 2'000;
    size_t max_response_bytes = 4 * 1024 * 1024;
};

struct HttpAnswer {
    long status = 0;
    std::string body;
};

// The answer, whatever its status; an error when no answer came in time.
Expected<HttpAnswer> http_call(const HttpCall& call);

}  // namespace asbb::net
