// HttpServer with TLS, fetched with the curl client. The certificate is made at test time.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "osprey/http/client.hpp"
#include "osprey/http/server.hpp"
#include "test_support.hpp"

namespace osprey::http {
namespace {

using namespace testing;

bool WritePem(const std::string& path, const std::function<int(FILE*)>& write) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return false;
  const bool ok = write(file) == 1;
  return std::fclose(file) == 0 && ok;
}

bool AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (extension == nullptr) return false;
  const bool ok = X509_add_ext(cert, extension, -1) == 1;
  X509_EXTENSION_free(extension);
  return ok;
}

// A self-signed P-256 certificate for CN=localhost with SANs 127.0.0.1 and localhost.
bool MakeSelfSigned(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  bool ok = key != nullptr && cert != nullptr;
  if (ok) {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ok = AddExtension(cert, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
         AddExtension(cert, NID_basic_constraints, "critical,CA:TRUE") &&
         X509_sign(cert, key, EVP_sha256()) > 0 &&
         WritePem(cert_path, [cert](FILE* f) { return PEM_write_X509(f, cert); }) &&
         WritePem(key_path, [key](FILE* f) {
           return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
         });
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/osprey-http-tls-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    tls_.certificate_file = dir_ + "/cert.pem";
    tls_.private_key_file = dir_ + "/key.pem";
    ASSERT_TRUE(MakeSelfSigned(tls_.certificate_file, tls_.private_key_file));
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static inline std::string dir_;
  static inline TlsOptions tls_;
};

TEST_F(TlsTest, ServesHttpsWithoutVerification) {
  TestServer server(FastOptions(), tls_);
  ASSERT_TRUE(server.status.ok()) << server.status.error().ToString();
  ClientRequest request;
  request.url = server.Url("/echo?x=1", /*https=*/true);
  request.verify_tls = false;
  const auto response = MakeCurlHttpClient()->Send(request);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 200);
  const auto body = nlohmann::json::parse(response->body);
  EXPECT_EQ(body["tls"], true);
  EXPECT_EQ(body["raw_query"], "x=1");
}

TEST_F(TlsTest, VerifiesAgainstTheGivenCa) {
  TestServer server(FastOptions(), tls_);
  ASSERT_TRUE(server.status.ok());
  auto client = MakeCurlHttpClient();
  ClientRequest request;
  request.url = server.Url("/hello", /*https=*/true);
  request.ca_file = tls_.certificate_file;
  const auto trusted = client->Send(request);
  ASSERT_TRUE(trusted.ok()) << trusted.error().ToString();
  EXPECT_EQ(trusted->body, "hello");

  request.ca_file.clear();  // system store: the self-signed certificate is unknown there
  const auto untrusted = client->Send(request);
  ASSERT_FALSE(untrusted.ok());
  EXPECT_EQ(untrusted.error().code(), ErrorCode::kUnavailable);
}

TEST_F(TlsTest, StopRightAfterAResponseIsFast) {
  auto client = MakeCurlHttpClient();
  for (int i = 0; i < 5; ++i) {
    TestServer server(FastOptions(), tls_);
    ASSERT_TRUE(server.status.ok());
    ClientRequest request;
    request.url = server.Url("/hello", /*https=*/true);
    request.verify_tls = false;
    ASSERT_TRUE(client->Send(request).ok());
    const auto start = std::chrono::steady_clock::now();
    server.server.Stop();  // the client keeps its connection open and never sends close_notify
    EXPECT_LT(std::chrono::steady_clock::now() - start, 400ms) << "iteration " << i;
  }
}

TEST_F(TlsTest, PlainHttpOnTheTlsPortIsDropped) {
  TestServer server(FastOptions(), tls_);
  ASSERT_TRUE(server.status.ok());
  RawConnection connection(server.port);
  ASSERT_TRUE(connection.Send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  EXPECT_TRUE(connection.WaitClosed(2s));
  ClientRequest request;  // the server still serves TLS afterwards
  request.url = server.Url("/hello", /*https=*/true);
  request.verify_tls = false;
  EXPECT_TRUE(MakeCurlHttpClient()->Send(request).ok());
}

TEST_F(TlsTest, UnreadableKeyFailsStart) {
  TlsOptions bad = tls_;
  bad.private_key_file = dir_ + "/missing.pem";
  TestServer server(FastOptions(), bad);
  ASSERT_FALSE(server.status.ok());
  EXPECT_EQ(server.status.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace osprey::http
