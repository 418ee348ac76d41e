// The files of `asbb bill map`: ParallelCluster's slurm_resume.log (fixture
// in tests/fixtures/resume-log) and the admin's CSV, and files they refuse.
#include "bill/node_map_files.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include "bill/cur_file.hpp"
#include "unit/file_test.hpp"

namespace asbb::bill {
namespace {

constexpr int64_t kNov5At0355_41 = 1'793'850'941;  // 2026-11-05T03:55:41Z

class NodeMapFiles : public test::FileTest {
  protected:
    // The log's times are the head node's local time: UTC here.
    void SetUp() override {
        FileTest::SetUp();
        setenv("TZ", "UTC", 1);
        tzset();
    }
    void TearDown() override {
        unsetenv("TZ");
        tzset();
        FileTest::TearDown();
    }
    template <class Read>
    std::string refusal(Read read, const std::string& text) {
        const std::string path = write("map", text);
        try {
            read(path);
        } catch (const BillFileError& e) {
            const std::string message = e.what();
            EXPECT_EQ(message.find('\n'), std::string::npos) << message;
            EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << message;
            return message.substr(path.size() + 2);
        }
        ADD_FAILURE() << "accepted: " << text;
        return "";
    }
};

TEST_F(NodeMapFiles, ReadsEveryAssignmentOfAResumeLog) {
    const auto spans = read_resume_log(std::string(ASBB_SOURCE_DIR) +
                                       "/tests/fixtures/resume-log/slurm_resume.log");
    ASSERT_EQ(spans.size(), 3u);
    EXPECT_EQ(spans[0].node, "cpu1");
    EXPECT_EQ(spans[0].instance_id, "i-0a1b2c3d4e5f60718");
    EXPECT_EQ(spans[0].start_s, kNov5At0355_41);
    EXPECT_FALSE(spans[0].end_s.has_value());
    EXPECT_EQ(spans[1].node, "cpu2");
    EXPECT_EQ(spans[1].instance_id, "i-0b2c3d4e5f6071829");
    EXPECT_EQ(spans[2].node, "cpu2");
    EXPECT_EQ(spans[2].instance_id, "i-0c3d4e5f607182930");
    EXPECT_EQ(spans[2].start_s, kNov5At0355_41 + 3 * 3600 + 15 * 60 + 49);  // 07:11:30
}

TEST_F(NodeMapFiles, RefusesAResumeLogItCannotRead) {
    const std::string prefix =
        "2026-11-05 03:55:41,507 - 2381 - [slurm_plugin.instance_manager:_update_slurm_node_addrs]"
        " - INFO - Nodes are now configured with instances ";
    const std::string one =
        "(x1) [\"('cpu1', EC2Instance(id='i-0a1b2c3d4e5f60718', private_ip='10.0.1.11'))\"]\n";
    EXPECT_EQ(refusal(read_resume_log, "2026-11-05 03:54:02,118 - 1 - [x:y] - INFO - hello\n"),
              "no \"Nodes are now configured with instances\" line: not a ParallelCluster "
              "slurm_resume.log, or no node was resumed");
    EXPECT_EQ(
        refusal(read_resume_log, prefix + "(x2) [\"('cpu1', EC2Instance(id='i-0a1b2c3d4e5f60718'"
                                          "))\"]\n"),
        "line 1: 2 nodes announced, 1 read");
    EXPECT_EQ(refusal(read_resume_log,
                      prefix + "(x1) [\"('cpu1', EC2Instance(id='i-XYZ', private_ip=''))\"]\n"),
              "line 1: 'i-XYZ' is not an EC2 instance id");
    EXPECT_EQ(
        refusal(read_resume_log, "Nov 5 03:55:41 - Nodes are now configured with instances " + one),
        "line 1: no YYYY-MM-DD HH:MM:SS time first");
    EXPECT_EQ(refusal(read_resume_log, prefix + "[]\n"),
              "line 1: no (xN) count after \"Nodes are now configured with instances \"");
    // A cut-short .gz: both files are read by the bill's one opener.
    EXPECT_EQ(refusal(read_resume_log, std::string("\x1f\x8b\x08\x00", 4)),
              refusal(read_node_map_csv, std::string("\x1f\x8b\x08\x00", 4)));
}

TEST_F(NodeMapFiles, ReadsAnAdminsCsvWithItsColumnsInAnyOrder) {
    const auto spans =
        read_node_map_csv(write("map.csv",
                                "start,instance_id,node,end,note\n"
                                "2026-11-05T03:55:41Z,i-0a1b2c3d4e5f60718,cpu1,,first\n"
                                "2026-11-05T03:55:41Z,i-0b2c3d4e5f6071829,cpu2,"
                                "2026-11-05T07:11:30Z,\n\n"));
    ASSERT_EQ(spans.size(), 2u);
    EXPECT_EQ(spans[0].node, "cpu1");
    EXPECT_EQ(spans[0].start_s, kNov5At0355_41);
    EXPECT_FALSE(spans[0].end_s.has_value());
    EXPECT_EQ(spans[1].end_s, kNov5At0355_41 + 3 * 3600 + 15 * 60 + 49);
}

TEST_F(NodeMapFiles, RefusesACsvItCannotRead) {
    EXPECT_EQ(refusal(read_node_map_csv, ""), "empty: no header line");
    EXPECT_EQ(refusal(read_node_map_csv, "node,start\ncpu1,2026-11-05T03:55:41Z\n"),
              "line 1: no 'instance_id' column (the header names node, instance_id, start, end)");
    EXPECT_EQ(refusal(read_node_map_csv, "node,instance_id,start\n"), "no span after the header");
    EXPECT_EQ(refusal(read_node_map_csv,
                      "node,instance_id,start\ncpu'1,i-0a1b2c3d4e5f60718,2026-11-05T03:55:41Z\n"),
              "line 2: 'cpu'1' is not a SLURM node name");
    EXPECT_EQ(refusal(read_node_map_csv,
                      "node,instance_id,start,end\n"
                      "cpu1,i-0a1b2c3d4e5f60718,2026-11-05T03:55:41Z,2026-11-05T03:00:00Z\n"),
              "line 2: end is not after start");
    EXPECT_EQ(refusal(read_node_map_csv, "node,instance_id,start\ncpu1,i-0a1b2c3d4e5f60718,soon\n")
                  .rfind("line 2: start 'soon': ", 0),
              0u);
    EXPECT_EQ(refusal(read_node_map_csv, "node,instance_id,start\ncpu1\n"),
              "line 2: fewer fields than the header");
}

}  // namespace
}  // namespace asbb::bill
