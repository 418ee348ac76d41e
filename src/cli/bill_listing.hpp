// The columns of one imported version of the AWS bill, as `asbb bill import`
// and `asbb bill show` list them (man asbb: Bill listing).
#pragma once

#include <vector>

#include "cli/output.hpp"
#include "db/bill_imports.hpp"

namespace asbb::cli {

std::vector<ColumnSpec> bill_import_columns();
std::vector<Cell> bill_import_cells(const db::BillImport& b);

}  // namespace asbb::cli
