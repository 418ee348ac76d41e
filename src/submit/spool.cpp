#include "submit/spool.hpp"

#include <fcntl.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace asbb::submit {

std::string spool_file(const std::string& dir) {
    return dir + "/unsecured-holds.jsonl";
}

Expected<bool> append_unsecured_hold(const std::string& dir, const UnsecuredHold& hold) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    auto text = [&](const char* key, const std::string& value) {
        writer.Key(key);
        writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    text("hold_id", hold.hold_id);
    text("cluster", hold.cluster);
    text("account", hold.account);
    text("partition", hold.partition);
    text("user", hold.user_name);
    writer.Key("uid");
    writer.Uint(hold.uid);
    writer.Key("nodes");
    writer.Int64(hold.shape.nodes);
    writer.Key("time_limit_s");
    writer.Int64(hold.shape.time_limit_s);
    writer.Key("array_tasks");
    writer.Int64(hold.shape.array_tasks);
    writer.Key("submitted_at");
    writer.Int64(hold.submitted_at);
    text("reason", hold.reason);
    writer.EndObject();
    std::string line = std::string(buffer.GetString(), buffer.GetSize()) + "\n";

    ::mkdir(dir.c_str(), 0700);  // usually there already; a failure shows at open
    const std::string path = spool_file(dir);
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return make_error("cannot open " + path + ": " + std::strerror(errno));
    ssize_t written = ::write(fd, line.data(), line.size());
    int saved = errno;
    bool synced = ::fdatasync(fd) == 0;
    ::close(fd);
    if (written != static_cast<ssize_t>(line.size()) || !synced) {
        return make_error("cannot write " + path + ": " + std::strerror(saved));
    }
    return true;
}

}  // namespace asbb::submit
