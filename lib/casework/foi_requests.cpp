#include "foi_requests.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "release_register.hpp"
#include "rules.hpp"

namespace prevent {

namespace {

std::string label(const std::string& reference) { return fmt::format("FOI request {}", reference); }

const NumberedFoiRequest* find_request(const FoiRequests& all, const std::string& reference) {
  for (const auto& r : all.requests)
    if (r.request.reference == reference) return &r;
  return nullptr;
}

// A write must see every request: one that does not read could be the
// duplicate, or the one being closed.
void need_all_readable(const FoiRequests& all) {
  if (all.unreadable.empty()) return;
  const Failure& f = all.unreadable.front();
  fail(f.code(), f.what(), "`prevent check records` names every foi/ file that does not read; put it right first");
}

}  // namespace

FoiRequests read_foi_requests(const Store& store) {
  FoiRequests out;
  std::map<std::string, std::string> seen;  // reference → path
  for (const auto& f : store.foi_files()) {
    if (!f.text) {
      out.unreadable.push_back(*f.problem);
      continue;
    }
    try {
      FoiRequest r = read_foi_request(*f.text, f.path);
      auto [at, fresh] = seen.emplace(r.reference, f.path);
      if (!fresh)
        fail(Exit::invalid_data,
             fmt::format("request: {} is recorded already in {} ({})", r.reference, at->second, f.path));
      out.requests.push_back({*foi_request_number(f.path.substr(4)), std::move(r)});
    } catch (const Failure& e) {
      out.unreadable.push_back(e);
    }
  }
  return out;
}

std::vector<Release> read_release_register(const Store& store) {
  std::vector<Release> out;
  for (const auto& [name, text] : store.release_files()) {
    Release r = read_release(text, "releases/" + name);
    if (release_path(r.number) != "releases/" + name)
      fail(Exit::store,
           fmt::format("release register damaged: the release number is not the file's (releases/{})", name),
           "only prevent writes releases/: restore it from history (git log -- releases)");
    out.push_back(std::move(r));
  }
  return out;
}

NumberedFoiRequest record_foi_request(Store& store, const std::string& reference, Date received,
                                      const std::optional<std::string>& period, Date as_of) {
  auto lock = store.lock();
  // Invalid data (exit 5) before a rule (exit 4), as SPEC §6 orders them.
  FoiRequests all = read_foi_requests(store);
  need_all_readable(all);
  if (const auto* there = find_request(all, reference))
    fail(Exit::invalid_data,
         fmt::format("an FOI request {} is recorded already ({})", reference, foi_request_path(there->number)),
         "`prevent foi list` shows the requests recorded");
  if (received > as_of)
    refuse(rule::nothing_in_the_future,
           fmt::format("the request is dated {}, after {}", received.str(), as_of.str()), label(reference));
  // Every file of foi/ read, so the highest number is among them: one more
  // is never a number used before (prevent removes no request).
  int number = 1;
  for (const auto& r : all.requests) number = std::max(number, r.number + 1);
  if (number > kMaxFoiRequests)
    fail(Exit::store, "the FOI request register is full (foi/)", "start a new store for later requests");
  NumberedFoiRequest out{number, {reference, received, foi_due_date(received, store.config().holidays), period, {}}};
  store.commit({{foi_request_path(number), write_foi_request(out.request)}},
               commit_message("foi new", fmt::format("{} received {}, due {}", reference, received.str(),
                                                     out.request.due.str()),
                              {}, "foi-new"));
  return out;
}

NumberedFoiRequest close_foi_request(Store& store, const std::string& reference, Date date, FoiCloseReason reason,
                                     Date as_of) {
  auto lock = store.lock();
  FoiRequests all = read_foi_requests(store);
  need_all_readable(all);
  const NumberedFoiRequest* there = find_request(all, reference);
  if (!there)
    fail(Exit::not_found, fmt::format("no FOI request {} is recorded (foi/)", reference),
         "`prevent foi list` shows the requests recorded; `prevent foi new` records one");
  NumberedFoiRequest out = *there;
  FoiRequest& r = out.request;
  // A request is closed once: a second closure would rewrite the first.
  if (r.closed)
    fail(Exit::refused,
         fmt::format("refused: FOI request {} was closed already on {}, {} ({})", reference, r.closed->date.str(),
                     key_of(r.closed->reason), foi_request_path(out.number)),
         "`prevent foi list` shows each request's status");
  for (const auto& rel : read_release_register(store))
    if (rel.request == reference)
      fail(Exit::refused,
           fmt::format("refused: FOI request {} was answered by release {:04} ({})", reference, rel.number,
                       release_path(rel.number)),
           "an answered request needs no closing; `prevent foi list` shows it as answered");
  if (date > as_of)
    refuse(rule::nothing_in_the_future, fmt::format("--date {} is after {}", date.str(), as_of.str()),
           label(reference));
  if (date < r.received)
    refuse(rule::dates_follow_the_process,
           fmt::format("--date {} is before the request was received, {}", date.str(), r.received.str()),
           label(reference));
  r.closed = FoiClosure{date, reason};
  store.commit({{foi_request_path(out.number), write_foi_request(r)}},
               commit_message("foi close", fmt::format("{} {} {}", reference, key_of(reason), date.str()), {},
                              "foi-close"));
  return out;
}

}  // namespace prevent
