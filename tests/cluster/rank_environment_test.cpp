// Rank, world and rendezvous from the variables torchrun and Slurm's srun export.
#include <gtest/gtest.h>

#include "tesg/cluster/rank_environment.h"
#include "tesg/error.h"

namespace tesg::cluster {
namespace {

TEST(RankEnvironment, NoLauncherIsOneProcess) {
  const auto r = rank_environment(Environment{{"HOME", "/root"}});
  EXPECT_EQ(r.launcher, "none");
  EXPECT_FALSE(r.distributed());
  EXPECT_EQ(r.rank, 0);
}

TEST(RankEnvironment, TorchrunVariables) {
  const auto r = rank_environment(Environment{{"RANK", "5"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"},
                                              {"MASTER_ADDR", "gpu01"}, {"MASTER_PORT", "29600"},
                                              {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                              {"TORCHELASTIC_RESTART_COUNT", "2"}});
  EXPECT_EQ(r.launcher, "env");
  EXPECT_EQ(r.rank, 5);
  EXPECT_EQ(r.world_size, 8);
  EXPECT_EQ(r.local_rank, 1);
  EXPECT_EQ(r.master_addr, "gpu01");
  EXPECT_EQ(r.master_port, 29600);
  EXPECT_TRUE(r.agent_store);
  EXPECT_EQ(r.restart_count, 2);
  EXPECT_EQ(r.local_world_size, 1);  // LOCAL_WORLD_SIZE unset
  EXPECT_EQ(rank_environment(Environment{{"RANK", "0"}, {"WORLD_SIZE", "8"}, {"LOCAL_WORLD_SIZE", "4"}})
                .local_world_size, 4);
}

TEST(RankEnvironment, WithoutTheAgentStoreRankZeroHostsIt) {
  const auto r = rank_environment(Environment{{"RANK", "0"}, {"WORLD_SIZE", "2"},
                                              {"TORCHELASTIC_USE_AGENT_STORE", "False"}});
  EXPECT_FALSE(r.agent_store);
  EXPECT_EQ(r.master_addr, "127.0.0.1");
  EXPECT_EQ(r.master_port, kDefaultMasterPort);
  EXPECT_EQ(r.local_rank, 0);  // LOCAL_RANK defaults to RANK
}

TEST(RankEnvironment, BadTorchVariablesAreNamed) {
  try {
    rank_environment(Environment{{"RANK", "3"}, {"WORLD_SIZE", "2"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "RANK=3 is outside WORLD_SIZE=2");
  }
  EXPECT_THROW(rank_environment(Environment{{"WORLD_SIZE", "2"}}), Error);  // no RANK
  EXPECT_THROW(rank_environment(Environment{{"RANK", "0"}, {"WORLD_SIZE", "two"}}), Error);
}

TEST(RankEnvironment, SlurmTaskWithoutRank) {
  const Environment env{{"SLURM_PROCID", "6"},        {"SLURM_NTASKS", "8"},
                        {"SLURM_LOCALID", "2"},       {"SLURM_JOB_NODELIST", "gpu[01-04,07],cpu1"},
                        {"SLURM_JOB_ID", "1234567"}};
  const auto r = rank_environment(env);
  EXPECT_EQ(r.launcher, "slurm");
  EXPECT_EQ(r.rank, 6);
  EXPECT_EQ(r.world_size, 8);
  EXPECT_EQ(r.local_rank, 2);
  EXPECT_EQ(r.master_addr, "gpu01");
  EXPECT_EQ(r.master_port, kSlurmPortBase + 1234567 % kSlurmPortSpan);
  EXPECT_FALSE(r.agent_store);
  EXPECT_EQ(r.local_world_size, 1);  // SLURM_TASKS_PER_NODE unset
  auto per_node = env;
  per_node["SLURM_TASKS_PER_NODE"] = "4(x2)";
  EXPECT_EQ(rank_environment(per_node).local_world_size, 4);
  per_node["SLURM_STEP_TASKS_PER_NODE"] = "3,2";
  EXPECT_EQ(rank_environment(per_node).local_world_size, 3);
}

TEST(RankEnvironment, SlurmStepVariablesAndMasterOverridesWin) {
  auto env = Environment{{"SLURM_PROCID", "1"},         {"SLURM_NTASKS", "16"},
                         {"SLURM_STEP_NUM_TASKS", "4"}, {"SLURM_JOB_NODELIST", "a[1-9]"},
                         {"SLURM_STEP_NODELIST", "b[3-4]"}, {"SLURM_JOB_ID", "7"}};
  auto r = rank_environment(env);
  EXPECT_EQ(r.world_size, 4);
  EXPECT_EQ(r.master_addr, "b3");
  env["MASTER_ADDR"] = "head";
  env["MASTER_PORT"] = "1234";
  r = rank_environment(env);
  EXPECT_EQ(r.master_addr, "head");
  EXPECT_EQ(r.master_port, 1234);
  env["RANK"] = "0";  // a launcher inside the allocation (torchrun under srun) wins over Slurm's
  env["WORLD_SIZE"] = "2";
  EXPECT_EQ(rank_environment(env).launcher, "env");
}

TEST(RankEnvironment, SlurmErrorsAreNamed) {
  try {
    rank_environment(Environment{{"SLURM_PROCID", "4"}, {"SLURM_NTASKS", "4"}, {"SLURM_JOB_NODELIST", "n1"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "SLURM_PROCID=4 is outside SLURM_NTASKS=4");
  }
  EXPECT_THROW(rank_environment(Environment{{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}}), Error);
}

TEST(FirstSlurmHost, TheFormsSlurmWrites) {
  EXPECT_EQ(first_slurm_host("node7"), "node7");
  EXPECT_EQ(first_slurm_host("node7,node9"), "node7");
  EXPECT_EQ(first_slurm_host("gpu[01-04,07]"), "gpu01");
  EXPECT_EQ(first_slurm_host("gpu[07,01-04]"), "gpu07");  // Slurm's order, not the smallest
  EXPECT_EQ(first_slurm_host("gpu[001-004],cpu[1-2]"), "gpu001");
  EXPECT_EQ(first_slurm_host("rack[2-3]-n[08-09]"), "rack2-n08");
  EXPECT_EQ(first_slurm_host("n[1-2]-ib"), "n1-ib");
  EXPECT_EQ(first_slurm_host("10.0.0.[5-6]"), "10.0.0.5");
  EXPECT_EQ(first_slurm_host("login-node"), "login-node");
}

TEST(FirstSlurmHost, MalformedListsAreErrors) {
  for (const auto* bad : {"", "gpu[01-04", "gpu01]", "gpu[]", ",gpu1"}) {
    EXPECT_THROW(first_slurm_host(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace tesg::cluster
