#include "tls.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace sockconf::echo::detail {

namespace {

struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* p) const noexcept { X509_free(p); }
};
struct bio_free {
    void operator()(BIO* p) const noexcept { BIO_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

[[noreturn]] void fail(char const* what)
{
    throw std::runtime_error(std::string("echo servers: TLS setup: ") + what);
}

pkey_ptr make_key()
{
    pkey_ptr k(EVP_EC_gen("P-256"));
    if (!k)
        fail("EC key generation");
    return k;
}

void add_ext(X509* cert, X509* issuer, int nid, char const* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext)
        fail("certificate extension");
    bool const ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    if (!ok)
        fail("adding a certificate extension");
}

/// A certificate for `key` named `cn`, issued by `issuer` (itself when null).
x509_ptr make_cert(EVP_PKEY* key, char const* cn, X509* issuer, EVP_PKEY* issuer_key, bool ca)
{
    x509_ptr cert(X509_new());
    if (!cert)
        fail("X509_new");
    X509_set_version(cert.get(), 2); // v3
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        fail("random serial");
    serial[0] &= 0x7f; // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()))) {
        BN_free(bn);
        fail("serial number");
    }
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60L * 60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24L * 60 * 60);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<unsigned char const*>("sockconf"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<unsigned char const*>(cn), -1, -1, 0);
    X509* const signer = issuer ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    if (ca) {
        add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
    } else {
        add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_ext(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
        add_ext(cert.get(), signer, NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
        add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
        add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid");
    }
    if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0)
        fail("signing");
    return cert;
}

template <class Write>
std::string to_pem(Write write)
{
    std::unique_ptr<BIO, bio_free> bio(BIO_new(BIO_s_mem()));
    if (!bio || !write(bio.get()))
        fail("PEM encoding");
    char* data = nullptr;
    long const n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

tls_material make_tls_material()
{
    auto ca_key = make_key();
    auto ca = make_cert(ca_key.get(), "sockconf throwaway CA", nullptr, nullptr, true);
    auto key = make_key();
    auto cert = make_cert(key.get(), "localhost", ca.get(), ca_key.get(), false);
    tls_material m;
    m.ca_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()) == 1; });
    m.cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()) == 1; });
    m.key_pem = to_pem([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    return m;
}

std::shared_ptr<boost::asio::ssl::context> make_server_context(tls_material const& m)
{
    namespace ssl = boost::asio::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3);
    // The chain clients see: the server certificate, then the CA.
    ctx->use_certificate_chain(boost::asio::buffer(m.cert_pem + m.ca_pem));
    ctx->use_private_key(boost::asio::buffer(m.key_pem), ssl::context::pem);
    return ctx;
}

} // namespace sockconf::echo::detail
