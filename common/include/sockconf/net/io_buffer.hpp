// A read buffer that resize() does not zero: a vector of chars. The echo
// servers' connections read into one (server_options::io_buffer_bytes, 256 KiB
// by default), as does the TLS stream.
//
// Why: zeroing writes every page, so each connection held its whole buffer in
// RSS from the start (echo_conn_scale measured 269 KiB per idle ws://
// connection). Left uninitialised, a page is only made resident when a read
// writes into it: an idle connection costs what it received. Nothing reads a
// byte of it that a read did not write ([rbeg_, rend_) / the n a read returned).
#pragma once

#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace sockconf::net {

template <class T>
struct default_init_allocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = default_init_allocator<U>;
    };
    using std::allocator<T>::allocator;
    /// Value-initialisation (what resize() asks for) becomes default-initialisation: no write.
    template <class U>
    void construct(U* p) noexcept
    {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... Args>
    void construct(U* p, Args&&... args)
    {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

using io_buffer = std::vector<char, default_init_allocator<char>>;

} // namespace sockconf::net
