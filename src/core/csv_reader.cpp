#include "core/csv_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace asbb {

namespace {

constexpr size_t kChunkBytes = 64 * 1024;

// The bytes that end a run of plain text outside quotes.
constexpr std::array<bool, 256> kEndsPlainText = [] {
    std::array<bool, 256> ends{};
    for (unsigned char c : {',', '\n', '\r', '"'}) ends[c] = true;
    return ends;
}();

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
    if (peek() == -1) {
        fields.clear();
        return false;
    }
    record_line_ = line_;
    // The strings of the last record are reused, so that a report of a
    // million lines does not allocate every field of every line afresh.
    size_t used = 0;
    auto next_field = [&]() -> std::string& {
        if (used == fields.size()) fields.emplace_back();
        fields[used].clear();
        return fields[used++];
    };
    std::string* field = &next_field();
    size_t record_bytes = 0;
    bool quoted = false;      // inside a quoted field
    bool was_quoted = false;  // this field began with a quote
    auto take = [&](size_t bytes) {
        record_bytes += bytes;
        return record_bytes <= max_record_bytes_;
    };
    auto too_long = [&] {
        return make_error("line " + std::to_string(record_line_) + ": record longer than " +
                          std::to_string(max_record_bytes_) + " bytes");
    };
    for (;;) {
        if (peek() == -1) {
            if (quoted) {
                return make_error("line " + std::to_string(record_line_) +
                                  ": quoted field still open at the end of the input");
            }
            fields.resize(used);
            return true;
        }
        const char* run = buffer_.data() + pos_;
        if (quoted) {
            // Everything up to the next quote is the field's, line breaks too.
            const auto* quote = static_cast<const char*>(std::memchr(run, '"', end_ - pos_));
            const size_t length = (quote ? quote : buffer_.data() + end_) - run;
            if (!take(length)) return too_long();
            line_ += std::count(run, run + length, '\n');
            field->append(run, length);
            pos_ += length;
            if (quote == nullptr) continue;
            advance();
            if (!take(1)) return too_long();
            if (peek() == '"') {  // a doubled quote stands for one
                advance();
                if (!take(1)) return too_long();
                field->push_back('"');
            } else {
                quoted = false;
            }
            continue;
        }
        size_t stop = pos_;
        while (stop < end_ && !kEndsPlainText[static_cast<unsigned char>(buffer_[stop])]) ++stop;
        if (stop > pos_) {
            if (was_quoted) {
                return make_error("line " + std::to_string(line_) +
                                  ": text after a quoted field's closing quote");
            }
            if (!take(stop - pos_)) return too_long();
            field->append(run, stop - pos_);
            pos_ = stop;
            continue;
        }
        const char c = buffer_[pos_];
        advance();
        if (!take(1)) return too_long();
        if (c == '"' && field->empty() && !was_quoted) {
            quoted = was_quoted = true;
        } else if (c == '"' && was_quoted) {
            return make_error("line " + std::to_string(line_) +
                              ": text after a quoted field's closing quote");
        } else if (c == '"') {
            field->push_back(c);  // a quote inside an unquoted field is text
        } else if (c == ',') {
            field = &next_field();
            was_quoted = false;
        } else {  // a line end: LF, CR or CRLF
            if (c == '\r' && peek() == '\n') advance();
            ++line_;
            fields.resize(used);
            return true;
        }
    }
}

}  // namespace asbb
