#include "util/run_program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace asbb {

namespace {

using Clock = std::chrono::steady_clock;

struct Pipes {
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    ~Pipes() {
        for (int fd : {in[0], in[1], out[0], out[1]}) {
            if (fd >= 0) ::close(fd);
        }
    }
};

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// Feeds input and drains output until both are done or the deadline passes.
bool pump(Pipes& pipes, const ProgramRun& run, Clock::time_point deadline, std::string& output) {
    size_t written = 0;
    if (run.input.empty()) close_fd(pipes.in[1]);
    while (pipes.in[1] >= 0 || pipes.out[0] >= 0) {
        const auto left_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left_ms <= 0) return false;
        pollfd fds[2] = {{pipes.in[1], POLLOUT, 0}, {pipes.out[0], POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(left_ms));
        if (ready < 0 && errno != EINTR) return false;
        if (ready <= 0) continue;
        if (fds[0].revents != 0) {
            const ssize_t n =
                ::write(pipes.in[1], run.input.data() + written, run.input.size() - written);
            if (n > 0) written += static_cast<size_t>(n);
            if (n < 0 && errno != EAGAIN && errno != EINTR) written = run.input.size();
            if (written >= run.input.size()) close_fd(pipes.in[1]);
        }
        if (fds[1].revents != 0) {
            char buffer[4096];
            const ssize_t n = ::read(pipes.out[0], buffer, sizeof buffer);
            if (n > 0) {
                const size_t room =
                    run.max_output_bytes - std::min(run.max_output_bytes, output.size());
                output.append(buffer, std::min(room, static_cast<size_t>(n)));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                close_fd(pipes.out[0]);
            }
        }
    }
    return true;
}

// Waits for the child until the deadline; kills it after.
bool reap(pid_t pid, Clock::time_point deadline, int& status) {
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return true;
        if (done < 0 && errno != EINTR) return false;
        if (Clock::now() >= deadline) break;
        ::usleep(5'000);
    }
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return false;
}

}  // namespace

Expected<ProgramResult> run_program(const ProgramRun& run) {
    if (run.argv.empty()) return make_error("no program to run");
    const std::string& path = run.argv[0];
    Pipes pipes;
    if (::pipe2(pipes.in, O_CLOEXEC) != 0 || ::pipe2(pipes.out, O_CLOEXEC) != 0) {
        return make_error(path + ": pipe: " + std::strerror(errno));
    }
    // Our ends never block: pump() waits in poll() with the deadline.
    ::fcntl(pipes.in[1], F_SETFL, O_NONBLOCK);
    ::fcntl(pipes.out[0], F_SETFL, O_NONBLOCK);
    std::vector<std::string> args = run.argv;
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipes.in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipes.out[1], STDOUT_FILENO);
    if (run.capture_stderr) posix_spawn_file_actions_adddup2(&actions, pipes.out[1], STDERR_FILENO);
    // Nothing else of ours reaches the program: not the database
    // connection, not a socket some library opened without O_CLOEXEC.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    pid_t pid = 0;
    const int spawned = posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close_fd(pipes.in[0]);
    close_fd(pipes.out[1]);
    if (spawned != 0) return make_error("cannot run " + path + ": " + std::strerror(spawned));
    // A program that stops reading must not kill the poller with SIGPIPE.
    struct sigaction ignore {
    }, previous{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    const auto deadline = Clock::now() + std::chrono::milliseconds(run.timeout_ms);
    ProgramResult result;
    const bool pumped = pump(pipes, run, deadline, result.output);
    ::sigaction(SIGPIPE, &previous, nullptr);
    int status = 0;
    const bool exited = reap(pid, pumped ? deadline : Clock::now(), status);
    if (!exited) {
        return make_error(path + " did not finish within " + std::to_string(run.timeout_ms) +
                          " ms and was killed");
    }
    if (WIFSIGNALED(status)) {
        return make_error(path + " was killed by signal " + std::to_string(WTERMSIG(status)));
    }
    result.exit_status = WEXITSTATUS(status);
    return result;
}

}  // namespace asbb
