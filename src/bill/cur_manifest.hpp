// The manifest JSON of a Cost and Usage Report delivery, which names the
// files that make up one version of a month's report: reportKeys (legacy
// CUR, S3 keys) or dataFiles (CUR 2.0 / Data Exports, s3:// URIs). AWS
// recommends ingesting exactly the files a manifest lists; each is looked
// for, by its file name, beside the manifest, where `aws s3 cp --recursive`
// of the delivery puts it.
#pragma once

#include <string>
#include <vector>

#include "core/expected.hpp"

namespace asbb::bill {

struct CurManifest {
    std::string version_id;          // assemblyId (legacy) or executionId (2.0); may be ""
    std::vector<std::string> files;  // local paths, in the manifest's order
};

// True when path's first non-blank byte opens a JSON object: a manifest, not
// a report. (A CSV report starts with a column name.)
bool looks_like_manifest(const std::string& path);

// An error names the manifest and what is wrong: not JSON, no file list, a
// listed file that is not beside it.
Expected<CurManifest> read_cur_manifest(const std::string& path);

}  // namespace asbb::bill
