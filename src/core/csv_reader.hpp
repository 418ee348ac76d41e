// RFC 4180 records read from a byte stream, as AWS writes its Cost and
// Usage Reports: quoted fields holding commas, doubled quotes and line
// breaks; LF or CRLF line ends; a UTF-8 byte order mark before the first
// field. Memory stays bounded by the longest record, whatever the file's
// size: a record longer than the limit (a 10 MB line) is an error that
// names its line, as is a quote still open at the end of the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/expected.hpp"

namespace asbb {

class CsvReader {
  public:
    // Fills buffer with up to capacity bytes and returns how many; 0 at the
    // end of the input. Errors (a truncated .gz) are the source's to throw.
    using Source = std::function<size_t(char* buffer, size_t capacity)>;

    explicit CsvReader(Source source, size_t max_record_bytes = 1 << 20);

    // The next record into fields: true; false at the end of the input; an
    // error naming the line ("line 7: ...") when the record is malformed.
    Expected<bool> next(std::vector<std::string>& fields);

    // The line the last record returned started on, from 1.
    int64_t record_line() const { return record_line_; }

  private:
    bool fill();  // more bytes into buffer_; false at the end
    // The next byte, or -1 at the end of the input.
    int peek();
    void advance() { ++pos_; }

    Source source_;
    size_t max_record_bytes_;
    std::vector<char> buffer_;
    size_t pos_ = 0;
    size_t end_ = 0;
    bool at_end_ = false;
    bool started_ = false;  // the byte order mark is only looked for once
    int64_t line_ = 1;
    int64_t record_line_ = 0;
};

}  // namespace asbb
