// validate_json SCHEMA [FILE]: checks a JSON document (FILE, or stdin)
// against a JSON schema (draft 04) with RapidJSON's validator. Exit 0 when
// valid; otherwise 1 and one line saying where and why. Used by the tests
// that hold asbb's JSON outputs to their published schemas.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

bool read_all(const std::string& path, std::string& text) {
    std::stringstream buffer;
    if (path == "-") {
        buffer << std::cin.rdbuf();
    } else {
        std::ifstream file(path, std::ios::binary);
        if (!file) return false;
        buffer << file.rdbuf();
    }
    text = buffer.str();
    return true;
}

bool parse(const std::string& what, const std::string& text, rapidjson::Document& document) {
    document.Parse(text.c_str(), text.size());
    if (!document.HasParseError()) return true;
    std::cerr << "validate_json: " << what << " is not JSON at offset " << document.GetErrorOffset()
              << ": " << rapidjson::GetParseError_En(document.GetParseError()) << "\n";
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: validate_json SCHEMA [FILE|-]\n";
        return 2;
    }
    std::string schema_text;
    std::string document_text;
    const std::string input = argc == 3 ? argv[2] : "-";
    if (!read_all(argv[1], schema_text) || !read_all(input, document_text)) {
        std::cerr << "validate_json: cannot read " << argv[1] << " or " << input << "\n";
        return 2;
    }
    rapidjson::Document schema_document;
    rapidjson::Document document;
    if (!parse("the schema", schema_text, schema_document)) return 2;
    if (!parse("the document", document_text, document)) return 1;
    rapidjson::SchemaDocument schema(schema_document);
    rapidjson::SchemaValidator validator(schema);
    if (document.Accept(validator)) return 0;
    rapidjson::StringBuffer schema_path;
    rapidjson::StringBuffer document_path;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(schema_path);
    validator.GetInvalidDocumentPointer().StringifyUriFragment(document_path);
    std::cerr << "validate_json: invalid at " << document_path.GetString() << ": fails "
              << validator.GetInvalidSchemaKeyword() << " of " << schema_path.GetString() << "\n";
    return 1;
}
