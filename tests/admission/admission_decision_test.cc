// decide_namespace_admission: malformed reviews are 400, other kinds and operations pass untouched,
// namespaces are never blocked, a CREATE without the label gets a JSONPatch, odd values get a warning,
// protected namespaces and dry runs never lead to a converge.
#include "admission/admission_decision.h"

#include <gtest/gtest.h>

namespace devenv::admission {
namespace {

json review(const std::string& op, json object, bool dry_run = false, const std::string& kind = "Namespace",
            const std::string& name = "dev1") {
  return {{"apiVersion", "admission.k8s.io/v1"},
          {"kind", "AdmissionReview"},
          {"request",
           {{"uid", "705ab4f5-6393-11e8-b7cc-42010a800002"},
            {"kind", {{"group", ""}, {"version", "v1"}, {"kind", kind}}},
            {"name", name},
            {"operation", op},
            {"dryRun", dry_run},
            {"object", std::move(object)}}}};
}

json ns_object(const std::string& name, std::optional<json> labels) {
  json o = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}};
  if (labels) o["metadata"]["labels"] = *labels;
  return o;
}

// Decodes base64 (test helper; the alphabet is the standard one).
std::string decode64(const std::string& in) {
  const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    if (c == '=') break;
    val = (val << 6) + static_cast<int>(a.find(c));
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

const env::protection_policy protection(env::protection_policy::default_globs(), "devenv-scaler");

TEST(AdmissionDecision, MalformedIs400) {
  json no_uid = review("CREATE", ns_object("dev1", std::nullopt));
  no_uid["request"].erase("uid");
  json no_object = review("CREATE", nullptr);
  const std::vector<std::pair<json, std::string>> rows = {
      {json("text"), "not a JSON object"},
      {json::object(), "AdmissionReview"},
      {{{"apiVersion", "admission.k8s.io/v1beta1"}, {"kind", "AdmissionReview"}}, "AdmissionReview"},
      {{{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}}, "no request"},
      {no_uid, "uid"},
      {no_object, "object"},
  };
  for (const auto& [body, message] : rows) {
    const auto d = decide_namespace_admission(body, "scheduler", protection);
    EXPECT_EQ(d.http_status, 400u) << body.dump();
    EXPECT_NE(d.error.find(message), std::string::npos) << d.error;
    EXPECT_FALSE(d.converge);
  }
}

TEST(AdmissionDecision, NamespaceTable) {
  struct row {
    const char* name;
    json review;
    std::string label_key;
    std::optional<json> patch;  // decoded JSON Patch, none: no patch
    bool warning;
    bool converge;
    bool dry_run;
  };
  const std::vector<row> rows = {
      {"create without labels", review("CREATE", ns_object("dev1", std::nullopt)), "scheduler",
       json::array({{{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{"scheduler", "enabled"}}}}}),
       false, true, false},
      {"create with other labels", review("CREATE", ns_object("dev1", json{{"team", "a"}})), "scheduler",
       json::array({{{"op", "add"}, {"path", "/metadata/labels/scheduler"}, {"value", "enabled"}}}), false,
       true, false},
      {"label key with / and ~", review("CREATE", ns_object("dev1", json::object())), "devenv.io/sched~x",
       json::array({{{"op", "add"}, {"path", "/metadata/labels/devenv.io~1sched~0x"}, {"value", "enabled"}}}),
       false, true, false},
      {"create enabled", review("CREATE", ns_object("dev1", json{{"scheduler", "enabled"}})), "scheduler",
       std::nullopt, false, true, false},
      {"create disabled", review("CREATE", ns_object("dev1", json{{"scheduler", "disabled"}})), "scheduler",
       std::nullopt, false, true, false},
      {"update to odd value", review("UPDATE", ns_object("dev1", json{{"scheduler", "sometimes"}})),
       "scheduler", std::nullopt, true, true, false},
      {"update without label", review("UPDATE", ns_object("dev1", std::nullopt)), "scheduler", std::nullopt,
       false, true, false},
      {"dry-run create", review("CREATE", ns_object("dev1", std::nullopt), true), "scheduler",
       json::array({{{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{"scheduler", "enabled"}}}}}),
       false, false, true},
      {"protected", review("CREATE", ns_object("kube-x", std::nullopt), false, "Namespace", "kube-x"),
       "scheduler", std::nullopt, false, false, false},
      {"own namespace",
       review("UPDATE", ns_object("devenv-scaler", json{{"scheduler", "odd"}}), false, "Namespace",
              "devenv-scaler"),
       "scheduler", std::nullopt, false, false, false},
      {"delete", review("DELETE", ns_object("dev1", std::nullopt)), "scheduler", std::nullopt, false, false,
       false},
      {"other kind", review("CREATE", {{"metadata", {{"name", "x"}}}}, false, "ConfigMap"), "scheduler",
       std::nullopt, false, false, false},
  };
  for (const auto& r : rows) {
    const auto d = decide_namespace_admission(r.review, r.label_key, protection);
    ASSERT_EQ(d.http_status, 200u) << r.name << ": " << d.error;
    const json& resp = d.review["response"];
    EXPECT_EQ(d.review["apiVersion"], "admission.k8s.io/v1") << r.name;
    EXPECT_EQ(d.review["kind"], "AdmissionReview") << r.name;
    EXPECT_EQ(resp["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002") << r.name;
    EXPECT_EQ(resp["allowed"], true) << r.name;
    if (r.patch) {
      ASSERT_TRUE(resp.contains("patch")) << r.name;
      EXPECT_EQ(resp["patchType"], "JSONPatch") << r.name;
      EXPECT_EQ(json::parse(decode64(resp["patch"])), *r.patch) << r.name;
    } else {
      EXPECT_FALSE(resp.contains("patch")) << r.name;
      EXPECT_FALSE(resp.contains("patchType")) << r.name;
    }
    EXPECT_EQ(resp.contains("warnings"), r.warning) << r.name;
    EXPECT_EQ(d.converge, r.converge) << r.name;
    EXPECT_EQ(d.dry_run, r.dry_run) << r.name;
  }
}

TEST(AdmissionDecision, Base64AndPointerEscapes) {
  const std::vector<std::pair<std::string, std::string>> b64 = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"\xff\xfe", "//4="}};
  for (const auto& [in, out] : b64) EXPECT_EQ(base64_encode(in), out) << in;
  EXPECT_EQ(json_pointer_escape("a/b~c"), "a~1b~0c");
}

}  // namespace
}  // namespace devenv::admission
