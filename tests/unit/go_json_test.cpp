// SPDX-License-Identifier: Apache-2.0
// The Go-compatible JSON pieces. Expected bytes were produced by Go 1.26 encoding/json
// (json.Marshal of a string; json.Marshal of a struct holding a json.RawMessage).
#include "core/wire/go_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/wire/json_scanner.hpp"

namespace {

using eventbus::detail::append_go_compact;
using eventbus::detail::append_go_string;
using eventbus::detail::check_json;
using eventbus::detail::JsonMember;
using eventbus::detail::utf8_sequence_length;

std::string go_string(std::string_view s) {
  std::string out;
  append_go_string(out, s);
  return out;
}

std::string go_compact(std::string_view s) {
  std::string out;
  append_go_compact(out, s);
  return out;
}

TEST(GoJsonString, EscapesLikeGoMarshal) {
  // Go 1.26: json.Marshal("a\bb\fc\x01<>&\u2028\u2029\x7f\xff\xed\xa0\x80é")
  EXPECT_EQ(go_string("a\bb\fc\x01<>&\u2028\u2029\x7f\xff\xed\xa0\x80\xc3\xa9"),
            "\"a\\bb\\fc\\u0001\\u003c\\u003e\\u0026\\u2028\\u2029\x7f"
            "\\ufffd\\ufffd\\ufffd\\ufffd\xc3\xa9\"");
}

TEST(GoJsonString, ShortEscapesAndLowerCaseHex) {
  EXPECT_EQ(go_string("\"\\\n\r\t"), R"("\"\\\n\r\t")");
  EXPECT_EQ(go_string(std::string("\x00\x1f\x0b", 3)), R"("\u0000\u001f\u000b")");
  EXPECT_EQ(go_string("/"), R"("/")");  // Go does not escape the solidus
}

TEST(GoJsonString, Utf8PassesVerbatim) {
  EXPECT_EQ(go_string("Größe 注文 😀"), "\"Größe 注文 😀\"");
  EXPECT_EQ(go_string(""), "\"\"");
}

TEST(GoJsonString, EachInvalidByteBecomesOneReplacement) {
  EXPECT_EQ(go_string("\xe2\x80"), R"("\ufffd\ufffd")");                      // truncated sequence
  EXPECT_EQ(go_string("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(go_string("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(go_string("a\x80z"), R"("a\ufffdz")");  // lone continuation byte
}

TEST(GoJsonString, Appends) {
  std::string out = "x=";
  append_go_string(out, "<");
  EXPECT_EQ(out, R"(x="\u003c")");
}

TEST(GoJsonCompact, DropsWhitespaceOutsideStringsOnly) {
  EXPECT_EQ(go_compact(" { \"a b\" : [ 1 ,\n\t2 ] ,\r\n \"c\" : \" x \" } "),
            R"({"a b":[1,2],"c":" x "})");
  EXPECT_EQ(go_compact("1.50"), "1.50");  // numbers verbatim
  EXPECT_EQ(go_compact("-0.0e+10"), "-0.0e+10");
}

TEST(GoJsonCompact, EscapesHtmlAndLineSeparatorsInStrings) {
  EXPECT_EQ(go_compact("{\"<\":\"a&b>\"}"), R"({"\u003c":"a\u0026b\u003e"})");
  EXPECT_EQ(go_compact("\"x\u2028y\u2029\""), R"("x\u2028y\u2029")");
}

TEST(GoJsonCompact, KeepsExistingEscapes) {
  EXPECT_EQ(go_compact(R"(["\" <", "\\", "\u003c", "\/"])"), R"(["\" \u003c","\\","\u003c","\/"])");
  EXPECT_EQ(go_compact(R"({"k":"\\" , "j" : 1})"), R"({"k":"\\","j":1})");
}

TEST(GoJsonCompact, Appends) {
  std::string out = "p=";
  append_go_compact(out, "[ ]");
  EXPECT_EQ(out, "p=[]");
}

TEST(Utf8, SequenceLengthsFollowRfc3629) {
  EXPECT_EQ(utf8_sequence_length("a", 0), 1u);
  EXPECT_EQ(utf8_sequence_length("\xc3\xa9", 0), 2u);
  EXPECT_EQ(utf8_sequence_length("\xe2\x80\xa8", 0), 3u);
  EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80", 0), 4u);
  EXPECT_EQ(utf8_sequence_length("\xf4\x8f\xbf\xbf", 0), 4u);  // U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xc1\xbf", 0), 0u);          // overlong
  EXPECT_EQ(utf8_sequence_length("\xe0\x9f\xbf", 0), 0u);      // overlong
  EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80", 0), 0u);      // surrogate
  EXPECT_EQ(utf8_sequence_length("\xf4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_sequence_length("\xf5\x80\x80\x80", 0), 0u);
  EXPECT_EQ(utf8_sequence_length("\xe2\x80", 0), 0u);  // truncated
  EXPECT_EQ(utf8_sequence_length("\x80", 0), 0u);
}

TEST(CheckJson, AcceptsWhatGoAccepts) {
  const char* texts[] = {
      "0",
      "-0",
      "1.5e-3",
      "1E+2",
      "1e400",
      "-12.50",
      "true",
      "false",
      "null",
      "\"\"",
      " {} ",
      "[]",
      "[[[]]]",
      "{\"a\":{\"b\":[1,{\"c\":null}]}}",
      "\"\\u00e9\\ud83d\\ude00\"",
      "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
      "\"é\u2028\"",
      "\t\r\n[ 1 , 2 ]\n",
  };
  for (const char* text : texts)
    EXPECT_FALSE(check_json(text)) << text;
}

TEST(CheckJson, RejectsWhatGoRejects) {
  const char* texts[] = {
      "",         " ",          "{",
      "[1,]",     "{\"a\":1,}", "{\"a\"}",
      "{a:1}",    "'a'",        "01",
      "1.",       ".5",         "1e",
      "+1",       "-",          "NaN",
      "Infinity", "tru",        "nul",
      "[1 2]",    "{} {}",      "1 x",
      "\"a",      "\"\\x\"",    "\"\\u12g4\"",
      "\"a\tb\"", "/* c */ 1",  "\xEF\xBB\xBF{}",  // Go rejects a byte order mark
  };
  for (const char* text : texts)
    EXPECT_TRUE(check_json(text)) << text;
}

TEST(CheckJson, RejectsNonUtf8WhereGoWouldSubstitute) {
  for (const char* text :
       {"\"\xff\"", "\"\xed\xa0\x80\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\""}) {
    EXPECT_TRUE(check_json(text)) << text;
  }
}

TEST(CheckJson, ReportsReasonAndOffset) {
  const auto error = check_json("[1, 2,]");
  ASSERT_TRUE(error);
  EXPECT_EQ(error.describe("payload"),
            "payload: invalid character looking for beginning of value at offset 6");
  EXPECT_EQ(check_json("{\"a\":").describe("json"),
            "json: unexpected end of JSON input at offset 5");
}

TEST(CheckJson, NestingLimitIsGos10000) {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  EXPECT_FALSE(check_json(nested(10000)));
  const auto error = check_json(nested(10001));
  ASSERT_TRUE(error);
  EXPECT_STREQ(error.reason, "exceeded max depth");
  EXPECT_TRUE(check_json(std::string(1'000'000, '[')));  // iterative: no stack overflow
}

TEST(CheckJson, CollectsTopLevelMembersAsRawBytes) {
  std::vector<JsonMember> members;
  const std::string text = R"( { "a" : { "x" : [1, 2] } , "b":1.50 ,"a":null, "c" : "s" } )";
  ASSERT_FALSE(check_json(text, &members));
  ASSERT_EQ(members.size(), 4u);
  EXPECT_EQ(members[0].key, R"("a")");
  EXPECT_EQ(members[0].value, R"({ "x" : [1, 2] })");
  EXPECT_EQ(members[1].key, R"("b")");
  EXPECT_EQ(members[1].value, "1.50");
  EXPECT_EQ(members[2].value, "null");
  EXPECT_EQ(members[3].value, R"("s")");
}

TEST(CheckJson, CollectsNothingFromOtherValues) {
  std::vector<JsonMember> members;
  EXPECT_FALSE(check_json(R"([{"a":1}])", &members));
  EXPECT_FALSE(check_json("{}", &members));
  EXPECT_TRUE(members.empty());
}

}  // namespace
