// A session with a deadline gives up when the server does not answer in
// time, instead of waiting for it (the plugin runs inside slurmctld with its
// locks held). The bounds asserted are loose on purpose: they show that the
// call did not wait for the server, not how fast it was.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "integration/support/test_db.hpp"

namespace asbb::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(Deadline, SlowStatementIsAbandonedAtTheDeadline) {
    db::MariaSession session(server_params());
    session.set_deadline(Clock::now() + milliseconds(200));
    const auto start = Clock::now();
    try {
        session.query("SELECT SLEEP(5)");
        ADD_FAILURE() << "the statement outlived its deadline";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection);
        EXPECT_NE(std::string(e.what()).find("deadline"), std::string::npos) << e.what();
    }
    EXPECT_LT(Clock::now() - start, milliseconds(2000));
    EXPECT_FALSE(session.connected());
    EXPECT_THROW(session.query("SELECT 1"), db::DbError);
}

TEST(Deadline, SilentServerConnectGivesUpAtTheDeadline) {
    // A listener that accepts TCP connections and never speaks: what a
    // frozen MariaDB looks like from the client.
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener, 8), 0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

    db::ConnectParams params;
    params.hosts = {{"127.0.0.1", ntohs(address.sin_port)}};
    params.user = "asbb";
    params.connect_timeout_s = 30;  // the deadline, not this, must end the wait
    const auto start = Clock::now();
    try {
        db::MariaSession session(params, Clock::now() + milliseconds(150));
        ADD_FAILURE() << "connected to a silent server";
    } catch (const db::DbError& e) {
        EXPECT_EQ(e.kind(), db::DbErrorKind::kConnection);
    }
    EXPECT_LT(Clock::now() - start, milliseconds(2000));
    ::close(listener);
}

TEST(Deadline, WithoutDeadlineSessionsWorkAsBefore) {
    db::MariaSession session(server_params());
    session.set_deadline(Clock::now() + milliseconds(5000));
    EXPECT_EQ(session.query("SELECT 41 + 1")[0].i64(0), 42);
    session.set_deadline(std::nullopt);
    EXPECT_EQ(session.query("SELECT 'x'")[0].str(0), "x");
}

}  // namespace
}  // namespace asbb::test
