#include "bill/cur_tags.hpp"

#include <rapidjson/document.h>

namespace asbb::bill {

Expected<CurNodeTag> CurNodeTag::for_report(const CurColumns& columns, const std::string& key) {
    CurNodeTag tag;
    tag.legacy_column_ = columns.legacy_tag(key);
    tag.map_column_ = columns.resource_tags;
    tag.map_key_ = normalize_cur_column("user:" + key);
    if (!tag.legacy_column_ && !tag.map_column_) {
        return make_error("BillNodeTag=" + key + ": the report has no resourceTags/user:" + key +
                          " column and no resource_tags map (is the tag activated as a cost "
                          "allocation tag?)");
    }
    return tag;
}

Expected<std::string> CurNodeTag::node_of(const std::vector<std::string>& fields) const {
    if (legacy_column_) return fields.at(*legacy_column_);
    const std::string& text = fields.at(*map_column_);
    if (text.empty()) return std::string();
    rapidjson::Document map;
    map.Parse(text.data(), text.size());
    if (map.HasParseError() || !map.IsObject()) {
        return make_error("resource_tags: not a JSON object of tags");
    }
    for (auto it = map.MemberBegin(); it != map.MemberEnd(); ++it) {
        const std::string name(it->name.GetString(), it->name.GetStringLength());
        if (normalize_cur_column(name) != map_key_) continue;
        if (!it->value.IsString()) return make_error("resource_tags: " + name + " is not a string");
        return std::string(it->value.GetString(), it->value.GetStringLength());
    }
    return std::string();
}

}  // namespace asbb::bill
