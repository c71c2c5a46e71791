#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/report_reader.hpp>

#include <algorithm>

namespace sockconf::harness {

namespace {
/// Starts a reason `--update-expectations` wrote (and may write again).
std::string const generated_mark = "(from a run) ";
} // namespace

expectations expectations::from_json(json const& doc, std::string const& source)
{
    json_reader r(doc, source);
    r.only_keys({"$schema", "format", "version", "iut", "profile", "cases", "flaky", "notes"});
    if (r.at("format").string() != "sockconf-expectations")
        r.at("format").fail("E-EXPECT-FORMAT", "expected \"sockconf-expectations\"");
    if (r.at("version").integer() != 1)
        r.at("version").fail("E-EXPECT-VERSION", "this sockconf reads version 1");
    expectations e;
    e.file_ = source;
    if (auto cases = r.find("cases")) {
        cases->expect_object();
        for (auto const& [id, _] : cases->value().items()) {
            auto c = cases->at(id);
            expectation x;
            if (c.value().is_string()) {
                x.status = reports::read_status(c, "E-EXPECT-STATUS");
            } else {
                c.only_keys({"status", "reason", "link"});
                x.status = reports::read_status(c.at("status"), "E-EXPECT-STATUS");
                if (auto reason = c.find("reason")) x.reason = reason->string();
                if (auto link = c.find("link")) x.link = link->string();
            }
            e.cases_[id] = std::move(x);
        }
    }
    if (auto flaky = r.find("flaky")) {
        flaky->expect_array();
        for (std::size_t i = 0; i < flaky->size(); ++i)
            e.flaky_.insert(flaky->at(i).non_empty_string());
    }
    return e;
}

expectations expectations::load(std::string const& path) { return from_json(read_json_file(path), path); }

void expectations::apply(reports::case_result& c) const
{
    if (flaky_.count(c.id)) {
        c.expected = "flaky";
        c.unexpected = false;
        return;
    }
    auto it = cases_.find(c.id);
    if (it == cases_.end()) {
        c.expected.clear();
        c.unexpected = !reports::conforming(c.result);
        return;
    }
    c.expected = std::string(reports::to_string(it->second.status));
    c.expected_reason = it->second.reason + (it->second.link.empty() ? "" : (it->second.reason.empty() ? "" : " ") + it->second.link);
    c.unexpected = c.result != it->second.status;
}

std::vector<std::string> expectations::not_run(std::vector<reports::case_result> const& ran) const
{
    std::vector<std::string> out;
    for (auto const& [id, _] : cases_) // (&id = id: clang 14 cannot capture a structured binding)
        if (std::none_of(ran.begin(), ran.end(), [&id = id](auto const& c) { return c.id == id; }))
            out.push_back(id);
    return out;
}

json expectations::from_run(reports::run_report const& run, expectations const& previous)
{
    json cases = json::object();
    for (auto const& [id, x] : previous.cases_) // entries for cases this run did not have stay
        if (std::none_of(run.cases.begin(), run.cases.end(), [&id = id](auto const& c) { return c.id == id; })) {
            json e = {{"status", reports::to_string(x.status)}};
            if (!x.reason.empty()) e["reason"] = x.reason;
            if (!x.link.empty()) e["link"] = x.link;
            cases[id] = std::move(e);
        }
    // A case's deviations, in rank order: what it is expected to do differently.
    std::map<std::string, std::string> deviations_of_case;
    for (auto const& d : reports::deviations_of(run))
        for (auto const& id : d.cases) {
            auto& text = deviations_of_case[id];
            text += (text.empty() ? "" : "; ") + d.id + " " + d.headline();
        }
    for (auto const& c : run.cases) {
        if (c.result == reports::status::pass || previous.flaky_.count(c.id))
            continue;
        json e = {{"status", reports::to_string(c.result)}};
        auto it = previous.cases_.find(c.id);
        // A reason written by hand stays; otherwise the deviations that decided the
        // case (their ids and wording do not change from run to run), else where it
        // failed. Generated reasons are marked so a later run may rewrite them.
        bool const kept = it != previous.cases_.end() && !it->second.reason.empty() &&
                          it->second.reason.rfind(generated_mark, 0) != 0;
        if (kept)
            e["reason"] = it->second.reason;
        else if (auto d = deviations_of_case.find(c.id); d != deviations_of_case.end())
            e["reason"] = generated_mark + d->second;
        else if (c.failed)
            e["reason"] = generated_mark + "fails at " + c.failed->where;
        else if (!c.message.empty())
            e["reason"] = c.message;
        if (it != previous.cases_.end() && !it->second.link.empty())
            e["link"] = it->second.link;
        cases[c.id] = std::move(e);
    }
    return json{{"format", "sockconf-expectations"},
                {"version", 1},
                {"iut", run.info.iut.value("name", "")},
                {"profile", run.info.profile},
                {"cases", cases},
                {"flaky", json(std::vector<std::string>(previous.flaky_.begin(), previous.flaky_.end()))}};
}

} // namespace sockconf::harness
