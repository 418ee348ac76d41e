#include "core/csv_reader.hpp"

namespace asbb {

namespace {

constexpr size_t kChunkBytes = 64 * 1024;

}  // namespace

CsvReader::CsvReader(Source source, size_t max_record_bytes)
    : source_(std::move(source)), max_record_bytes_(max_record_bytes), buffer_(kChunkBytes) {}

bool CsvReader::fill() {
    if (at_end_) return false;
    pos_ = 0;
    end_ = source_(buffer_.data(), buffer_.size());
    if (end_ == 0) at_end_ = true;
    return end_ > 0;
}

int CsvReader::peek() {
    if (pos_ == end_ && !fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
}

Expected<bool> CsvReader::next(std::vector<std::string>& fields) {
    fields.clear();
    if (!started_) {
        started_ = true;
        // A UTF-8 byte order mark before the header is not part of its first name.
        static constexpr unsigned char kBom[] = {0xEF, 0xBB, 0xBF};
        if (peek() == kBom[0]) {
            for (unsigned char expected : kBom) {
                if (peek() != expected) return make_error("line 1: malformed byte order mark");
                advance();
            }
        }
    }
    if (peek() == -1) return false;
    record_line_ = line_;
    std::string field;
    size_t record_bytes = 0;
    bool quoted = false;      // inside a quoted field
    bool was_quoted = false;  // this field began with a quote
    auto too_long = [&] {
        return make_error("line " + std::to_string(record_line_) + ": record longer than " +
                          std::to_string(max_record_bytes_) + " bytes");
    };
    for (;;) {
        const int c = peek();
        if (c == -1) {
            if (quoted) {
                return make_error("line " + std::to_string(record_line_) +
                                  ": quoted field still open at the end of the input");
            }
            fields.push_back(std::move(field));
            return true;
        }
        advance();
        if (++record_bytes > max_record_bytes_) return too_long();
        if (quoted) {
            if (c == '"') {
                if (peek() == '"') {
                    advance();
                    ++record_bytes;
                    field += '"';
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line_;
                field += static_cast<char>(c);
            }
            continue;
        }
        if (c == '"' && field.empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == ',') {
            fields.push_back(std::move(field));
            field.clear();
            was_quoted = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && peek() == '\n') advance();
            ++line_;
            fields.push_back(std::move(field));
            return true;
        } else if (was_quoted) {
            return make_error("line " + std::to_string(line_) +
                              ": text after a quoted field's closing quote");
        } else {
            field += static_cast<char>(c);
        }
    }
}

}  // namespace asbb
