#include "util/json_out.hpp"

namespace asbb {

JsonOut& JsonOut::key(const std::string& name) {
    writer_.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    return *this;
}

JsonOut& JsonOut::text(const std::string& name, const std::string& value) {
    key(name);
    writer_.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
}

JsonOut& JsonOut::money(const std::string& name, Money value) {
    key(name);
    const std::string exact = format_money_exact(value);
    writer_.RawValue(exact.c_str(), exact.size(), rapidjson::kNumberType);
    return *this;
}

JsonOut& JsonOut::number(const std::string& name, int64_t value) {
    key(name);
    writer_.Int64(value);
    return *this;
}

JsonOut& JsonOut::flag(const std::string& name, bool value) {
    key(name);
    writer_.Bool(value);
    return *this;
}

JsonOut& JsonOut::ppm(const std::string& name, int64_t value_ppm) {
    key(name);
    std::string frac = std::to_string(value_ppm % kMicroPerUnit);
    frac.insert(0, 6 - frac.size(), '0');
    while (frac.size() > 1 && frac.back() == '0') frac.pop_back();
    const std::string text = std::to_string(value_ppm / kMicroPerUnit) + "." + frac;
    writer_.RawValue(text.c_str(), text.size(), rapidjson::kNumberType);
    return *this;
}

}  // namespace asbb
