#include "bill/cur_manifest.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <filesystem>
#include <fstream>

namespace asbb::bill {

namespace {

// A manifest is a few kilobytes; anything much larger is not one.
constexpr uintmax_t kMaxManifestBytes = 16 << 20;

std::string file_name_of(const std::string& key) {
    const size_t slash = key.find_last_of('/');
    return slash == std::string::npos ? key : key.substr(slash + 1);
}

const rapidjson::Value* file_list(const rapidjson::Document& document) {
    for (const char* name : {"reportKeys", "dataFiles"}) {
        auto member = document.FindMember(name);
        if (member != document.MemberEnd() && member->value.IsArray()) return &member->value;
    }
    return nullptr;
}

std::string version_of(const rapidjson::Document& document) {
    for (const char* name : {"assemblyId", "executionId"}) {
        auto member = document.FindMember(name);
        if (member != document.MemberEnd() && member->value.IsString()) {
            return member->value.GetString();
        }
    }
    return "";
}

}  // namespace

bool looks_like_manifest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char c = 0;
    while (in.get(c)) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c == '{';
    }
    return false;
}

Expected<CurManifest> read_cur_manifest(const std::string& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (error) return make_error(path + ": cannot open the manifest: " + error.message());
    if (size > kMaxManifestBytes)
        return make_error(path + ": larger than a manifest can be (16 MB)");
    std::ifstream in(path, std::ios::binary);
    std::string text(size, '\0');
    if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
        return make_error(path + ": cannot read the manifest");
    }
    rapidjson::Document document;
    document.Parse(text.c_str(), text.size());
    if (document.HasParseError() || !document.IsObject()) {
        return make_error(path + ": not a manifest (JSON error at byte " +
                          std::to_string(document.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(document.GetParseError()) + ")");
    }
    const rapidjson::Value* listed = file_list(document);
    if (listed == nullptr || listed->Empty()) {
        return make_error(path + ": the manifest lists no report files (reportKeys or dataFiles)");
    }
    CurManifest manifest;
    manifest.version_id = version_of(document);
    const std::filesystem::path directory = std::filesystem::path(path).parent_path();
    for (const auto& entry : listed->GetArray()) {
        if (!entry.IsString()) return make_error(path + ": a listed report file is not a string");
        const std::string name = file_name_of(entry.GetString());
        const std::string local = (directory / name).string();
        if (name.empty() || !std::filesystem::is_regular_file(local)) {
            return make_error(path + ": the manifest names " + name + ", which is not in " +
                              (directory.empty() ? std::string(".") : directory.string()));
        }
        manifest.files.push_back(local);
    }
    return manifest;
}

}  // namespace asbb::bill
