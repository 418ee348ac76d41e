// DbHost lists: a session tries the servers in order, starting from the one
// that last worked, within the caller's deadline; when none answers the
// error names them all; a connection lost mid-transaction makes the next
// session start on another server. Against the private MariaDB (TCP, a
// password login made here), a port nobody listens on, a listener that
// accepts and never speaks (a frozen server), and a TCP relay to the real
// server that the test can cut (a node that dies under its clients).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "db/connect.hpp"
#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int listen_loopback(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, 16) != 0) {
        throw std::runtime_error("cannot listen on loopback");
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    return fd;
}

// A loopback port with nothing listening: connecting is refused at once.
int closed_port() {
    int port = 0;
    ::close(listen_loopback(port));
    return port;
}

// Accepts connections, counts them, never answers.
struct SilentServer {
    SilentServer() : fd(listen_loopback(port)) {
        thread = std::thread([this] {
            while (!stop) {
                pollfd waiting{fd, POLLIN, 0};
                if (::poll(&waiting, 1, 20) <= 0) continue;
                int client = ::accept(fd, nullptr, nullptr);
                if (client >= 0) ++accepted, clients.push_back(client);
            }
        });
    }
    ~SilentServer() {
        stop = true;
        thread.join();
        for (int client : clients) ::close(client);
        ::close(fd);
    }
    int port = 0;
    int fd;
    std::atomic<int> accepted{0};
    std::atomic<bool> stop{false};
    std::vector<int> clients;
    std::thread thread;
};

// Relays each connection to the real server until cut() severs them all.
struct Relay {
    explicit Relay(int target_port) : target(target_port), fd(listen_loopback(port)) {
        thread = std::thread([this] { serve(); });
    }
    ~Relay() {
        stop = true;
        thread.join();
        ::close(fd);
    }
    void cut() { severed = true; }
    void serve() {
        std::vector<std::pair<int, int>> pairs;
        while (!stop) {
            if (severed.exchange(false)) {
                for (auto [a, b] : pairs) ::shutdown(a, SHUT_RDWR), ::close(a), ::close(b);
                pairs.clear();
            }
            std::vector<pollfd> waiting{{fd, POLLIN, 0}};
            for (auto [a, b] : pairs)
                waiting.push_back({a, POLLIN, 0}), waiting.push_back({b, POLLIN, 0});
            if (::poll(waiting.data(), waiting.size(), 20) <= 0) continue;
            if (waiting[0].revents & POLLIN) accept_one(pairs);
            for (size_t i = 1; i < waiting.size(); ++i) {
                if (!(waiting[i].revents & (POLLIN | POLLHUP))) continue;
                auto [a, b] = pairs[(i - 1) / 2];
                char buffer[16384];
                const ssize_t n = ::read(waiting[i].fd, buffer, sizeof buffer);
                if (n > 0)
                    (void)!::write(waiting[i].fd == a ? b : a, buffer, static_cast<size_t>(n));
            }
        }
        for (auto [a, b] : pairs) ::close(a), ::close(b);
    }
    void accept_one(std::vector<std::pair<int, int>>& pairs) {
        int client = ::accept(fd, nullptr, nullptr);
        if (client < 0) return;
        ++accepted;
        int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<uint16_t>(target));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(client), ::close(upstream);
            return;
        }
        pairs.emplace_back(client, upstream);
    }
    int target;
    int port = 0;
    int fd;
    std::atomic<int> accepted{0};
    std::atomic<bool> stop{false};
    std::atomic<bool> severed{false};
    std::thread thread;
};

class Failover : public ::testing::Test {
  protected:
    void SetUp() override {
        const char* port = std::getenv("ASBB_TEST_DB_PORT");
        if (port == nullptr || *port == '\0') {
            FAIL() << "ASBB_TEST_DB_PORT is not set: run the tests through scripts/test.sh";
        }
        port_ = std::atoi(port);
        // A password login over TCP, as sites use DbHost.
        db::MariaSession admin(server_params());
        admin.run("CREATE USER IF NOT EXISTS 'asbb_failover'@'127.0.0.1' IDENTIFIED BY 'fo-pass'");
        admin.run("GRANT USAGE ON *.* TO 'asbb_failover'@'127.0.0.1'");
    }
    db::ConnectParams tcp(std::vector<db::Endpoint> hosts) const {
        db::ConnectParams params;
        params.hosts = std::move(hosts);
        params.user = "asbb_failover";
        params.password = "fo-pass";
        params.connect_timeout_s = 30;  // the deadlines, not this, end the waits
        return params;
    }
    db::Endpoint real() const { return {"127.0.0.1", port_}; }
    int port_ = 0;
};

TEST_F(Failover, ARefusedHostIsSkipped) {
    const db::Endpoint refused{"127.0.0.1", closed_port()};
    db::MariaSession session(tcp({refused, real()}), Clock::now() + milliseconds(5000));
    EXPECT_EQ(session.query("SELECT 7")[0].i64(0), 7);
    EXPECT_EQ(session.where(), "127.0.0.1:" + std::to_string(port_));
}

TEST_F(Failover, TheNextSessionStartsFromTheHostThatWorked) {
    SilentServer silent;
    const auto params = tcp({{"127.0.0.1", silent.port}, real()});
    const auto start = Clock::now();
    // The frozen first host gets half the time, the real one the rest.
    db::MariaSession first(params, Clock::now() + milliseconds(1000));
    EXPECT_GE(Clock::now() - start, milliseconds(400));
    EXPECT_EQ(silent.accepted.load(), 1);
    const auto again = Clock::now();
    db::MariaSession second(params, Clock::now() + milliseconds(1000));
    EXPECT_LT(Clock::now() - again, milliseconds(400));
    EXPECT_EQ(silent.accepted.load(), 1) << "the second session tried the frozen host again";
    EXPECT_EQ(second.query("SELECT 1")[0].i64(0), 1);
}

TEST_F(Failover, TheDeadlineBoundsEveryAttemptTogether) {
    SilentServer a, b, c;
    const auto start = Clock::now();
    try {
        db::MariaSession session(
            tcp({{"127.0.0.1", a.port}, {"127.0.0.1", b.port}, {"127.0.0.1", c.port}}),
            Clock::now() + milliseconds(300));
        ADD_FAILURE() << "connected to silent servers";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection);
    }
    EXPECT_LT(Clock::now() - start, milliseconds(1000));
    EXPECT_EQ(a.accepted + b.accepted + c.accepted, 3) << "each host had its turn";
}

TEST_F(Failover, WhenAllFailTheErrorNamesEveryHost) {
    const int one = closed_port(), two = closed_port();
    try {
        db::MariaSession session(tcp({{"127.0.0.1", one}, {"127.0.0.1", two}}));
        ADD_FAILURE() << "connected to nothing";
    } catch (const db::DbError& e) {
        const std::string message = e.what();
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection);
        EXPECT_NE(message.find("127.0.0.1:" + std::to_string(one)), std::string::npos) << message;
        EXPECT_NE(message.find("127.0.0.1:" + std::to_string(two)), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST_F(Failover, ARefusedLoginOnEveryHostIsAMisconfiguration) {
    Relay relay(port_);
    auto params = tcp({{"127.0.0.1", relay.port}, real()});
    params.password = "wrong";
    try {
        db::MariaSession session(params);
        ADD_FAILURE() << "logged in with a wrong password";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kMisconfigured) << e.what();
    }
}

TEST_F(Failover, AConnectionLostMidTransactionMovesTheNextSessionOn) {
    Relay relay(port_);
    const auto params = tcp({{"127.0.0.1", relay.port}, real()});
    db::MariaSession doomed(params);
    EXPECT_EQ(doomed.where(), "127.0.0.1:" + std::to_string(relay.port));
    EXPECT_EQ(relay.accepted.load(), 1);
    doomed.run("START TRANSACTION");
    relay.cut();  // the node dies with the transaction open
    std::this_thread::sleep_for(milliseconds(100));
    try {
        doomed.query("SELECT 1");
        ADD_FAILURE() << "the cut connection still answered";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection) << e.what();
    }
    EXPECT_FALSE(doomed.connected());
    // The relay still accepts (a server that listens but lost the client's
    // session), yet the next session goes to the other host first.
    db::MariaSession next(params);
    EXPECT_EQ(next.where(), "127.0.0.1:" + std::to_string(port_));
    EXPECT_EQ(relay.accepted.load(), 1);
}

TEST_F(Failover, ConfigListsReachTheServer) {
    Config config;
    config.db_host = "127.0.0.1:" + std::to_string(closed_port()) + ",127.0.0.1";
    config.db_port = port_;
    config.db_user = "asbb_failover";
    config.db_pass = "fo-pass";
    config.db_name = "";
    const db::ConnectParams params = db::connect_params_for(config);
    ASSERT_EQ(params.hosts.size(), 2u);
    EXPECT_EQ(params.hosts[1].port, port_);
    db::MariaSession session(params);
    EXPECT_EQ(session.query("SELECT 2")[0].i64(0), 2);
}

}  // namespace
}  // namespace asbb::test
