#include "key_erasure.hpp"

#include <fmt/format.h>

#include "git_repo.hpp"
#include "key_objects.hpp"

namespace prevent {

void destroy_case_keys(Store& store, const std::vector<std::string>& case_ids,
                       const std::vector<std::string>& record_paths) {
  GitRepo& git = store.git();
  git.require_no_interrupted_write();
  (void)git.identity();
  git.require_clean(record_paths);
  for (const auto& id : case_ids) remove_case_key(git, id);
  const std::set<std::string> ids(case_ids.begin(), case_ids.end());
  std::vector<git_oid> objects;
  for (const auto& k : find_key_objects(git, ids)) {
    for (const auto& place : k.places)
      if (place == "alternate object store")
        fail(Exit::store,
             fmt::format("the data key of case {} is in an alternate object store (objects/info/alternates), which "
                         "prevent does not rewrite",
                         k.case_id),
             "erase it in the repository the alternates name too, or repack this one without alternates "
             "(git repack -a -d) and run the command again");
    objects.push_back(k.id);
  }
  purge_objects(git, objects);
}

std::vector<KeyPresence> case_keys_present(const Store& store, const std::set<std::string>& case_ids) {
  std::vector<KeyPresence> out;
  for (const auto& id : case_ids)
    if (key_store_has_case(store.git(), id)) out.push_back({id, "the key store"});
  for (const auto& k : find_key_objects(store.git(), case_ids))
    for (const auto& place : k.places) out.push_back({k.case_id, place});
  return out;
}

}  // namespace prevent

namespace prevent {

std::vector<std::string> cases_without_key(const Store& store, const std::set<std::string>& case_ids) {
  std::vector<std::string> out;
  if (case_ids.empty()) return out;
  const std::set<std::string> keyed = key_store_cases(store.git());
  for (const auto& id : case_ids)
    if (!keyed.count(id)) out.push_back(id);
  return out;
}

}  // namespace prevent
