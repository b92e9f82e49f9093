#include "tesg/cluster/rank_environment.h"

#include <cstdlib>

#include "tesg/error.h"

extern char** environ;

namespace tesg::cluster {
namespace {

const std::string* find(const Environment& env, const std::string& name) {
  const auto it = env.find(name);
  return it == env.end() || it->second.empty() ? nullptr : &it->second;
}

int integer(const Environment& env, const std::string& name, int fallback) {
  const auto* text = find(env, name);
  if (!text) return fallback;
  try {
    size_t used = 0;
    const int value = std::stoi(*text, &used);
    if (used == text->size()) return value;
  } catch (const std::exception&) {
  }
  throw Error(name + "=" + *text + ": expected an integer");
}

int required_integer(const Environment& env, const std::string& name, const std::string& launcher) {
  if (!find(env, name)) throw Error(launcher + " environment without " + name);
  return integer(env, name, 0);
}

std::string text(const Environment& env, const std::string& name, const std::string& fallback) {
  const auto* value = find(env, name);
  return value ? *value : fallback;
}

void check_rank(const RankEnvironment& r, const std::string& rank_name, const std::string& world_name) {
  if (r.world_size < 1) throw Error(world_name + "=" + std::to_string(r.world_size) + ": expected at least 1");
  if (r.rank < 0 || r.rank >= r.world_size) {
    throw Error(rank_name + "=" + std::to_string(r.rank) + " is outside " + world_name + "=" +
                std::to_string(r.world_size));
  }
}

// torchrun, tesg's --nproc and every launcher of PyTorch's env:// convention.
RankEnvironment from_torch_variables(const Environment& env) {
  RankEnvironment r;
  r.launcher = "env";
  r.world_size = integer(env, "WORLD_SIZE", 1);
  r.rank = r.world_size > 1 ? required_integer(env, "RANK", "WORLD_SIZE>1") : integer(env, "RANK", 0);
  check_rank(r, "RANK", "WORLD_SIZE");
  r.local_rank = integer(env, "LOCAL_RANK", r.rank);
  r.local_world_size = integer(env, "LOCAL_WORLD_SIZE", 1);
  r.master_addr = text(env, "MASTER_ADDR", r.master_addr);
  r.master_port = integer(env, "MASTER_PORT", kDefaultMasterPort);
  r.agent_store = text(env, "TORCHELASTIC_USE_AGENT_STORE", "") == "True";  // Python's str(True)
  r.restart_count = integer(env, "TORCHELASTIC_RESTART_COUNT", 0);
  return r;
}

// The first count of a Slurm tasks-per-node list: "4(x2),3" -> 4.
int first_count(const std::string& counts) {
  const int count = std::atoi(counts.c_str());
  return count > 0 ? count : 1;
}

// A task of `srun`: one process per task, the first node hosts the rendezvous.
RankEnvironment from_slurm_variables(const Environment& env) {
  RankEnvironment r;
  r.launcher = "slurm";
  r.rank = integer(env, "SLURM_PROCID", 0);
  r.world_size = integer(env, "SLURM_STEP_NUM_TASKS", integer(env, "SLURM_NTASKS", 1));
  check_rank(r, "SLURM_PROCID", find(env, "SLURM_STEP_NUM_TASKS") ? "SLURM_STEP_NUM_TASKS" : "SLURM_NTASKS");
  r.local_rank = integer(env, "SLURM_LOCALID", 0);
  r.local_world_size = first_count(text(env, "SLURM_STEP_TASKS_PER_NODE", text(env, "SLURM_TASKS_PER_NODE", "1")));
  if (const auto* addr = find(env, "MASTER_ADDR")) {
    r.master_addr = *addr;
  } else {
    const auto* nodes = find(env, "SLURM_STEP_NODELIST");
    if (!nodes) nodes = find(env, "SLURM_JOB_NODELIST");
    if (!nodes) throw Error("Slurm environment without SLURM_JOB_NODELIST (and no MASTER_ADDR)");
    r.master_addr = first_slurm_host(*nodes);
  }
  const int job = integer(env, "SLURM_JOB_ID", 0);
  r.master_port = integer(env, "MASTER_PORT", kSlurmPortBase + job % kSlurmPortSpan);
  return r;
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

RankEnvironment rank_environment(const Environment& env) {
  if (find(env, "WORLD_SIZE") || find(env, "RANK")) return from_torch_variables(env);
  if (find(env, "SLURM_PROCID") && (find(env, "SLURM_STEP_NUM_TASKS") || find(env, "SLURM_NTASKS"))) {
    return from_slurm_variables(env);
  }
  return {};
}

const RankEnvironment& rank_environment() {
  static const RankEnvironment once = rank_environment(process_environment());
  return once;
}

std::string first_slurm_host(const std::string& nodelist) {
  // The first entry: up to the first comma outside brackets.
  size_t end = 0;
  for (int depth = 0; end < nodelist.size() && !(nodelist[end] == ',' && depth == 0); ++end) {
    depth += nodelist[end] == '[' ? 1 : nodelist[end] == ']' ? -1 : 0;
  }
  const std::string entry = nodelist.substr(0, end);
  if (entry.empty()) throw Error("Slurm node list '" + nodelist + "': no host");
  // Each [ranges] group becomes its first number, written as Slurm writes it (zero padding kept).
  std::string host;
  for (size_t i = 0; i < entry.size();) {
    if (entry[i] == ']') throw Error("Slurm node list '" + nodelist + "': unbalanced ']'");
    if (entry[i] != '[') {
      host += entry[i++];
      continue;
    }
    const auto close = entry.find(']', i);
    if (close == std::string::npos) throw Error("Slurm node list '" + nodelist + "': unbalanced '['");
    const auto first = entry.substr(i + 1, close - i - 1);
    const auto stop = first.find_first_of("-,");
    const auto number = first.substr(0, stop);
    if (number.empty()) throw Error("Slurm node list '" + nodelist + "': empty range");
    host += number;
    i = close + 1;
  }
  return host;
}

}  // namespace tesg::cluster
