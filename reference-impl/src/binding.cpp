#include <sockconf/common/version.hpp>
#include <sockconf/ref/binding.hpp>
#include <sockconf/ref/runtime.hpp>
#include <sockconf/ref/socket_task.hpp>
#include <sockconf/ref/tcp_socket.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <variant>

namespace sockconf::ref {

namespace {

/// A bad command (not a JS-level error): answered with {"ok":false,"error":...}.
struct bad_command : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// What every harness-named function needs; shared so that a listener kept by
/// the runtime after the binding is gone emits nothing instead of dangling.
struct emitter {
    binding::emit_fn emit;
    int depth = 0; // > 0 while execute() runs: an invoke now is synchronous
    std::atomic<bool> alive{true};
};

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

/// The NAME of {"$fn":"NAME"}, or nullopt when `v` is no function reference.
std::optional<std::string> fn_name(json const& v)
{
    if (v.is_object() && v.size() == 1 && v.contains("$fn") && v["$fn"].is_string())
        return v["$fn"].get<std::string>();
    return std::nullopt;
}

/// Calling what is not a function: JS throws a TypeError (not a protocol error).
struct not_a_function : std::runtime_error {
    explicit not_a_function(std::string_view fn) : std::runtime_error(std::string(fn) + " is not a function") {}
};

/// SocketTask's methods, as `get` reports them. No off*: the documents define none (D31).
constexpr std::array<std::string_view, 6> task_methods = {"send", "close", "onOpen", "onMessage", "onError", "onClose"};
constexpr std::array<std::string_view, 4> tcp_plain_methods = {"connect", "write", "close", "bindWifi"};

bool contains(auto const& names, std::string_view name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<tcp_event> tcp_event_of(std::string_view name)
{
    if (name == "Connect") return tcp_event::connect;
    if (name == "Message") return tcp_event::message;
    if (name == "Error") return tcp_event::error;
    if (name == "Close") return tcp_event::close;
    if (name == "BindWifi") return tcp_event::bind_wifi;
    return std::nullopt;
}

} // namespace

struct binding::impl {
    using object = std::variant<std::shared_ptr<socket_task>, std::shared_ptr<tcp_socket>>;

    impl(runtime& r, emit_fn emit) : rt(r), em(std::make_shared<emitter>())
    {
        em->emit = std::move(emit);
    }

    runtime& rt;
    std::shared_ptr<emitter> em;
    std::map<std::string, listener> fns; // NAME -> the one function object
    std::map<std::string, object> handles;
    std::map<std::string, std::string> refs; // "as" name -> handle id
    std::uint64_t next_handle = 1;

    listener fn(std::string const& name)
    {
        auto& l = fns[name];
        if (!l)
            l = std::make_shared<function const>([em = em, name](json const& arg) {
                if (!em->alive.load())
                    return;
                em->emit(json{{"op", "invoke"},
                              {"fn", name},
                              {"args", json::array({to_wire(arg)})},
                              {"sync", em->depth > 0}});
            });
        return l;
    }

    /// The listener for args[0], or nullptr when it is no {"$fn":...}.
    listener listener_arg(json const& args)
    {
        if (args.empty())
            return nullptr;
        auto name = fn_name(args[0]);
        return name ? fn(*name) : nullptr;
    }

    /// args[0] as an options object: success/fail/complete become callbacks,
    /// the rest is converted from wire form.
    std::pair<json, callbacks> options_arg(json const& args)
    {
        callbacks cb;
        if (args.empty())
            return {json::object(), cb};
        json opts = from_wire(args[0]);
        if (opts.is_object()) {
            auto take = [&](char const* key, function& slot) {
                auto it = opts.find(key);
                if (it == opts.end())
                    return;
                if (auto name = fn_name(*it)) {
                    auto l = fn(*name);
                    slot = [l](json const& v) { (*l)(v); };
                }
                opts.erase(it); // a non-function callback is ignored, as JS would not call it
            };
            take("success", cb.success);
            take("fail", cb.fail);
            take("complete", cb.complete);
        }
        return {std::move(opts), std::move(cb)};
    }

    /// args[i] converted; a missing argument is `undefined` (a discarded value).
    static json value_arg(json const& args, std::size_t i)
    {
        return i < args.size() ? from_wire(args[i]) : json(json::value_t::discarded);
    }

    json add_handle(object o, char const* cls)
    {
        auto id = std::to_string(next_handle++);
        handles.emplace(id, std::move(o));
        return json{{"$handle", id}, {"class", cls}};
    }

    object& this_object(json const& command)
    {
        auto const& t = command["this"];
        if (t.is_object() && t.size() == 1 && t.contains("$ref") && t["$ref"].is_string()) {
            auto const name = t["$ref"].get<std::string>();
            auto it = refs.find(name);
            if (it == refs.end())
                throw bad_command("no object named " + in_quotes(name) + " (see \"as\")");
            return handles.at(it->second);
        }
        if (!t.is_object() || !t.contains("$handle") || !t["$handle"].is_string())
            throw bad_command("\"this\" must be {\"$handle\":\"<id>\"} or {\"$ref\":\"<name>\"}, got " + brief(t));
        auto const id = t["$handle"].get<std::string>();
        auto it = handles.find(id);
        if (it == handles.end())
            throw bad_command("unknown handle " + in_quotes(id));
        return it->second;
    }

    static json const& args_of(json const& command)
    {
        static json const none = json::array();
        auto it = command.find("args");
        if (it == command.end())
            return none;
        if (!it->is_array())
            throw bad_command("\"args\" must be an array, got " + brief(*it));
        return *it;
    }

    json call_global(std::string const& fn, json const& args)
    {
        if (fn == "wx.connectSocket") {
            auto [opts, cb] = options_arg(args);
            return add_handle(rt.connect_socket(opts, std::move(cb)), "SocketTask");
        }
        if (fn == "wx.createTCPSocket") {
            json opts = args.empty() ? json::object() : from_wire(args[0]);
            return add_handle(rt.create_tcp_socket(opts), "TCPSocket");
        }
        // Legacy globals: they act on the most recently created SocketTask.
        if (fn == "wx.sendSocketMessage" || fn == "wx.closeSocket") {
            auto [opts, cb] = options_arg(args);
            if (fn == "wx.sendSocketMessage")
                rt.send_socket_message(opts, std::move(cb));
            else
                rt.close_socket(opts, std::move(cb));
            return nullptr;
        }
        if (fn == "wx.onSocketOpen") return rt.on_socket_open(listener_arg(args)), nullptr;
        if (fn == "wx.onSocketMessage") return rt.on_socket_message(listener_arg(args)), nullptr;
        if (fn == "wx.onSocketError") return rt.on_socket_error(listener_arg(args)), nullptr;
        if (fn == "wx.onSocketClose") return rt.on_socket_close(listener_arg(args)), nullptr;
        throw not_a_function(fn);
    }

    json call_task(socket_task& t, std::string const& fn, json const& args)
    {
        if (fn == "send" || fn == "close") {
            auto [opts, cb] = options_arg(args);
            if (fn == "send")
                t.send(opts, std::move(cb));
            else
                t.close(opts, std::move(cb));
            return nullptr;
        }
        // SocketTask has no off*: on* only. A non-function argument is ignored.
        if (fn == "onOpen") return t.on_open(listener_arg(args)), nullptr;
        if (fn == "onMessage") return t.on_message(listener_arg(args)), nullptr;
        if (fn == "onError") return t.on_error(listener_arg(args)), nullptr;
        if (fn == "onClose") return t.on_close(listener_arg(args)), nullptr;
        throw not_a_function("SocketTask." + fn);
    }

    json call_tcp(tcp_socket& s, std::string const& fn, json const& args)
    {
        if (fn == "connect") return s.connect(args.empty() ? json::object() : from_wire(args[0])), nullptr;
        if (fn == "write") return s.write(value_arg(args, 0)), nullptr;
        if (fn == "close") return s.close(), nullptr;
        if (fn == "bindWifi") return s.bind_wifi(args.empty() ? json::object() : from_wire(args[0])), nullptr;
        if (fn.starts_with("on") || fn.starts_with("off")) {
            bool const add = fn.starts_with("on");
            if (auto e = tcp_event_of(std::string_view(fn).substr(add ? 2 : 3))) {
                if (add)
                    s.on(*e, listener_arg(args));
                else
                    s.off(*e, listener_arg(args)); // no argument or a non-function: remove all
                return nullptr;
            }
        }
        throw not_a_function("TCPSocket." + fn);
    }

    /// A property read, as JS would answer it: methods read as functions and
    /// unknown names as undefined (both as {"$typeof": ...}).
    json get(object& o, std::string const& prop)
    {
        if (auto* t = std::get_if<std::shared_ptr<socket_task>>(&o)) {
            if (prop == "readyState") return int((*t)->state());
            if (prop == "socketTaskId") return (*t)->id();
            if (prop == "CONNECTING") return int(ready_state::connecting);
            if (prop == "OPEN") return int(ready_state::open);
            if (prop == "CLOSING") return int(ready_state::closing);
            if (prop == "CLOSED") return int(ready_state::closed);
            return make_typeof(contains(task_methods, prop) ? "function" : "undefined");
        }
        auto const sv = std::string_view(prop);
        bool const method = contains(tcp_plain_methods, sv) || (sv.starts_with("on") && tcp_event_of(sv.substr(2))) ||
                            (sv.starts_with("off") && tcp_event_of(sv.substr(3)));
        return make_typeof(method ? "function" : "undefined");
    }

    /// dispatch(), then keep an object result under the command's "as" name.
    json dispatch_named(json const& command)
    {
        auto value = dispatch(command);
        if (auto as = command.find("as"); as != command.end() && as->is_string() && value.is_object() &&
                                          value.contains("$handle"))
            refs[as->get<std::string>()] = value["$handle"].get<std::string>();
        return value;
    }

    json dispatch(json const& command)
    {
        if (!command.is_object())
            throw bad_command("a command must be an object, got " + brief(command));
        auto op_it = command.find("op");
        if (op_it == command.end() || !op_it->is_string())
            throw bad_command("\"op\" must be a string (\"call\", \"get\", \"batch\" or \"clock\")");
        auto const op = op_it->get<std::string>();
        if (op == "call") {
            auto fn_it = command.find("fn");
            if (fn_it == command.end() || !fn_it->is_string())
                throw bad_command("\"call\" needs \"fn\" as a string");
            auto const fn = fn_it->get<std::string>();
            auto const& args = args_of(command);
            if (!command.contains("this"))
                return call_global(fn, args);
            auto& o = this_object(command);
            if (auto* t = std::get_if<std::shared_ptr<socket_task>>(&o))
                return call_task(**t, fn, args);
            return call_tcp(*std::get<std::shared_ptr<tcp_socket>>(o), fn, args);
        }
        if (op == "get") {
            if (!command.contains("this"))
                throw bad_command("\"get\" needs \"this\"");
            auto prop_it = command.find("prop");
            if (prop_it == command.end() || !prop_it->is_string())
                throw bad_command("\"get\" needs \"prop\" as a string");
            return get(this_object(command), prop_it->get<std::string>());
        }
        if (op == "clock") {
            auto ms = command.find("advance_ms");
            if (ms == command.end() || !ms->is_number() || ms->get<double>() < 0)
                throw bad_command("\"clock\" needs \"advance_ms\" as a number >= 0");
            rt.clock().advance(std::chrono::milliseconds(ms->get<std::int64_t>()));
            return nullptr;
        }
        throw bad_command("unknown op " + in_quotes(op));
    }
};

binding::binding(runtime& rt, emit_fn emit) : impl_(std::make_unique<impl>(rt, std::move(emit))) {}

binding::~binding() { impl_->em->alive = false; }

json binding::execute(json const& command)
{
    // A batch is one synchronous block of JS: no event can run between its commands.
    if (command.is_object() && command.value("op", "") == "batch") {
        auto it = command.find("commands");
        if (it == command.end() || !it->is_array())
            return json{{"ok", false}, {"error", "\"batch\" needs \"commands\" as an array"}};
        json replies = json::array();
        for (auto const& c : *it)
            replies.push_back(execute_one(c));
        return json{{"ok", true}, {"value", std::move(replies)}};
    }
    return execute_one(command);
}

json binding::execute_one(json const& command)
{
    auto& em = *impl_->em;
    ++em.depth;
    struct leave {
        emitter& e;
        ~leave() { --e.depth; }
    } guard{em};
    try {
        json reply{{"ok", true}, {"value", to_wire(impl_->dispatch_named(command))}};
        // Taro's form (D57): connectSocket gives a Promise of the task. The binding plays
        // the `await` an app would write, as the JS adapters do, and says so.
        if (impl_->rt.config().switches.connect_returns_promise && command.value("op", "") == "call" &&
            command.value("fn", "") == "wx.connectSocket")
            reply["promise"] = true;
        return reply;
    } catch (js_error const& e) {
        return json{{"ok", false}, {"thrown", {{"name", "Error"}, {"message", e.what()}}}};
    } catch (not_a_function const& e) {
        return json{{"ok", false}, {"thrown", {{"name", "TypeError"}, {"message", e.what()}}}};
    } catch (bad_command const& e) {
        return json{{"ok", false}, {"error", e.what()}};
    } catch (std::invalid_argument const& e) { // from_wire: malformed $arraybuffer
        return json{{"ok", false}, {"error", std::string("malformed argument: ") + e.what()}};
    }
}

json binding::hello() const
{
    return json{{"name", "sockconf-reference"},
                {"version", tool_version},
                {"profile", impl_->rt.config().id},
                {"capabilities", json::array({"websocket", "legacy-globals", "tcp", "virtual-clock"})}};
}

} // namespace sockconf::ref
