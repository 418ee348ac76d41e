// The HTTP layer of asbb service: the only code that sees cpp-httplib (a
// large header, kept to one translation unit). It turns requests into plain
// HttpRequest values for the application and enforces the limits that keep
// one client from starving the rest: body size, header count, path length,
// read/write timeouts and a bounded worker pool.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace asbb::service {

struct HttpRequest {
    std::string method;  // GET, POST, PUT, DELETE, ...
    std::string path;    // percent-decoded, without the query
    std::map<std::string, std::string> query;
    std::string authorization;   // the Authorization header, "" when absent
    std::string remote_address;  // the client's IP address (rate limits key on it)
    std::string body;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

struct ServerLimits {
    int worker_threads = 4;
    // Connections accepted but not yet picked up by a worker; beyond it the
    // accept loop waits (the kernel's backlog holds the rest).
    int queue_length = 64;
    int64_t max_body_bytes = 64 * 1024;
    int max_headers = 64;
    int64_t timeout_ms = 5'000;
    size_t max_path_bytes = 2'048;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
  public:
    HttpServer(const ServerLimits& limits, Handler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds host:port (port 0: any free port). Returns the bound port, or -1.
    int bind(const std::string& host, int port);
    // Serves until stop(); requests in flight are answered first. False when
    // the listening socket failed.
    bool serve();
    // Safe from any thread, also before serve() has started.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace asbb::service
