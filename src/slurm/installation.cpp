#include "slurm/installation.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "compat/slurm_api.hpp"
#include "core/slurm_conf_text.hpp"
#include "slurm/libslurm.hpp"

namespace asbb::slurm {

std::string format_slurm_version(uint32_t version_number) {
    const uint32_t major = (version_number >> 16) & 0xff;
    const uint32_t minor = (version_number >> 8) & 0xff;
    const uint32_t micro = version_number & 0xff;
    char text[32];
    std::snprintf(text, sizeof text, "%u.%02u.%u", major, minor, micro);
    return text;
}

Expected<PluginIdentity> identify_plugin(const std::string& path) {
    // RTLD_LAZY: the functions it takes from slurmctld (assoc_mgr_*) stay
    // unresolved, as nothing here calls them. RTLD_LOCAL: nothing leaks.
    void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        return make_error("cannot load " + path + ": " + (why != nullptr ? why : "dlopen failed"));
    }
    PluginIdentity identity;
    // plugin_type is a char array in SLURM's plugins: its symbol is the text.
    const auto* type_text = static_cast<const char*>(dlsym(handle, "plugin_type"));
    const auto* version = static_cast<const uint32_t*>(dlsym(handle, "plugin_version"));
    if (type_text != nullptr) identity.type = std::string(type_text, strnlen(type_text, 128));
    if (version != nullptr) identity.version = *version;
    dlclose(handle);
    if (identity.type.empty() || version == nullptr) {
        return make_error(path + " is not a SLURM plugin (no plugin_type or plugin_version)");
    }
    return identity;
}

namespace {

// "slurm-wlm 22.05.8" or "slurm 22.05.8" -> "22.05.8"; empty when not run.
std::string slurmctld_dash_v() {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen("slurmctld -V 2>/dev/null", "r"), pclose);
    if (!pipe) return "";
    char line[256] = {};
    if (std::fgets(line, sizeof line, pipe.get()) == nullptr) return "";
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    const size_t space = text.rfind(' ');
    return space == std::string::npos ? "" : text.substr(space + 1);
}

}  // namespace

Expected<RunningSlurm> running_slurm() {
    RunningSlurm running;
    auto ready = init_libslurm();
    if (ready) {
        slurm_conf_t* conf = nullptr;
        if (slurm_load_ctl_conf(0, &conf) == SLURM_SUCCESS && conf != nullptr) {
            running.controller_answered = true;
            running.version = conf->version != nullptr ? conf->version : "";
            running.source = "the running slurmctld";
            if (conf->job_submit_plugins != nullptr) {
                running.job_submit_plugins = split_plugin_list(conf->job_submit_plugins);
            }
            compat::free_conf(conf);
            return running;
        }
    }
    running.version = slurmctld_dash_v();
    if (running.version.empty()) {
        return make_error("slurmctld does not answer and `slurmctld -V` gives no version" +
                          (ready ? std::string() : " (" + ready.error() + ")"));
    }
    running.source = "slurmctld -V (slurmctld did not answer)";
    return running;
}

}  // namespace asbb::slurm
