#include "core/job_id.hpp"

#include <charconv>
#include <string>

#include "core/ascii.hpp"
#include "core/names.hpp"

namespace asbb {

Expected<int64_t> parse_slurm_job_id(std::string_view text, ArrayTask array_task) {
    std::string_view id_part = text;
    if (const auto underscore = text.find('_');
        underscore != std::string_view::npos && array_task == ArrayTask::kAccepted) {
        id_part = text.substr(0, underscore);
        if (!all_ascii_digits(text.substr(underscore + 1))) id_part = {};
    }
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(id_part.data(), id_part.data() + id_part.size(), value);
    if (id_part.empty() || ec != std::errc() || end != id_part.data() + id_part.size() ||
        value < 1 || value > kMaxSlurmJobId) {
        return make_error(quote_input(text) + " is not a SLURM job id (1 to " +
                          std::to_string(kMaxSlurmJobId) + ")");
    }
    return value;
}

}  // namespace asbb
