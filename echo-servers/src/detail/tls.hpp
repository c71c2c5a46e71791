// The throwaway PKI behind wss://: a self-signed CA and a server certificate it
// signs, generated in memory with OpenSSL, and the Asio SSL context serving it.
// Internal; Beast-free.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace sockconf::echo::detail {

struct tls_material {
    std::string ca_pem;   ///< the CA certificate (what clients trust)
    std::string cert_pem; ///< the server certificate (SAN IP:127.0.0.1, IP:::1, DNS:localhost)
    std::string key_pem;  ///< the server's private key (EC P-256)
};

/// A fresh CA and server certificate, valid from now-1h to now+1d. Throws
/// std::runtime_error when OpenSSL fails.
tls_material make_tls_material();

/// A TLS server context presenting `m`'s certificate.
std::shared_ptr<boost::asio::ssl::context> make_server_context(tls_material const& m);

} // namespace sockconf::echo::detail
