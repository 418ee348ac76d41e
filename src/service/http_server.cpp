#include "service/http_server.hpp"

#include "compat/httplib_queue.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace asbb::service {

namespace {

// cpp-httplib's own ThreadPool queues without bound: a flood of connections
// would pile up sockets and memory. This one makes the accept loop wait when
// the queue is full, so the kernel's listen backlog absorbs the excess.
class BoundedPool : public httplib::TaskQueue {
  public:
    BoundedPool(size_t threads, size_t queue_length) : queue_length_(queue_length) {
        for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
    }

    // Waits for room rather than refusing, so it always takes the task.
    compat::EnqueueResult enqueue(std::function<void()> fn) override {
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return jobs_.size() < queue_length_ || shutdown_; });
        jobs_.push_back(std::move(fn));
        lock.unlock();
        ready_.notify_one();
        return compat::enqueued();
    }

    // Runs what is queued, then joins the workers: requests already accepted
    // are answered before the service exits.
    void shutdown() override {
        {
            std::lock_guard lock(mutex_);
            shutdown_ = true;
        }
        ready_.notify_all();
        space_.notify_all();
        for (auto& worker : workers_) worker.join();
    }

  private:
    void work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                ready_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            space_.notify_one();
            job();
        }
    }

    const size_t queue_length_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable space_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> workers_;
    bool shutdown_ = false;
};

std::string status_json(int status, const std::string& message) {
    return "{\"error\":\"" + message + "\",\"status\":" + std::to_string(status) + "}";
}

void reply(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(status_json(status, message), "application/json");
}

}  // namespace

struct HttpServer::Impl {
    ServerLimits limits;
    Handler handler;
    httplib::Server server;
};

HttpServer::HttpServer(const ServerLimits& limits, Handler handler)
    : impl_(std::make_unique<Impl>()) {
    impl_->limits = limits;
    impl_->handler = std::move(handler);
    httplib::Server& server = impl_->server;
    const auto threads = static_cast<size_t>(std::max(1, limits.worker_threads));
    const auto queue = static_cast<size_t>(std::max(1, limits.queue_length));
    server.new_task_queue = [threads, queue] { return new BoundedPool(threads, queue); };
    const auto timeout = std::chrono::milliseconds(limits.timeout_ms);
    server.set_read_timeout(timeout);
    server.set_write_timeout(timeout);
    server.set_keep_alive_timeout(std::max<time_t>(1, limits.timeout_ms / 1000));
    // A worker serves one connection at a time: a kept-alive connection is
    // handed back to the queue after a few requests so that the others
    // waiting for a worker get their turn (fairness over reuse).
    server.set_keep_alive_max_count(5);
    server.set_payload_max_length(static_cast<size_t>(limits.max_body_bytes));
    server.set_tcp_nodelay(true);

    // Checked before the body is read and before any route is matched (the
    // routes are regular expressions: a bounded path keeps them cheap).
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (req.headers.size() > static_cast<size_t>(impl_->limits.max_headers)) {
            reply(res, 431, "too many header lines");
            return httplib::Server::HandlerResponse::Handled;
        }
        if (req.path.size() > impl_->limits.max_path_bytes) {
            reply(res, 414, "path too long");
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    auto forward = [this](const httplib::Request& req, httplib::Response& res) {
        HttpRequest request;
        request.method = req.method;
        request.path = req.path;
        for (const auto& [key, value] : req.params) request.query.emplace(key, value);
        request.authorization = req.get_header_value("Authorization");
        request.remote_address = req.remote_addr;
        request.body = req.body;
        HttpResponse response = impl_->handler(request);
        res.status = response.status;
        for (const auto& [name, value] : response.headers) res.set_header(name, value);
        res.set_content(response.body, response.content_type.c_str());
    };
    server.Get("/.*", forward);
    server.Post("/.*", httplib::Server::Handler(forward));
    server.Put("/.*", httplib::Server::Handler(forward));
    server.Delete("/.*", httplib::Server::Handler(forward));
    server.Patch("/.*", httplib::Server::Handler(forward));
    server.Options("/.*", forward);

    // Statuses cpp-httplib sets itself (413, 400 on a malformed request, 404
    // for no route) get a JSON body like ours.
    server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return;
        const char* what = res.status == 413   ? "request body too large"
                           : res.status == 404 ? "no such endpoint"
                                               : "bad request";
        reply(res, res.status, what);
    });
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res,
                                    std::exception_ptr) { reply(res, 500, "internal error"); });
}

HttpServer::~HttpServer() {
    stop();
}

int HttpServer::bind(const std::string& host, int port) {
    if (port == 0) return impl_->server.bind_to_any_port(host);
    return impl_->server.bind_to_port(host, port) ? port : -1;
}

bool HttpServer::serve() {
    return impl_->server.listen_after_bind();
}

void HttpServer::stop() {
    impl_->server.stop();
}

}  // namespace asbb::service
