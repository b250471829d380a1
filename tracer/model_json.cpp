// model_json.cpp: model_json.h over simdjson's DOM parser (Debian's
// libsimdjson-dev). Error codes, not exceptions, cross the C boundary.
#include "model_json.h"

#include <cstring>
#include <new>
#include <string_view>

#include <simdjson.h>

struct mj {
	simdjson::dom::parser parser;
	simdjson::dom::object obj;
};

struct mj *mj_new(void)
{
	return new (std::nothrow) mj();
}

void mj_free(struct mj *p)
{
	delete p;
}

size_t mj_padding(void)
{
	return simdjson::SIMDJSON_PADDING;
}

int mj_parse(struct mj *p, const char *line, size_t len)
{
	simdjson::dom::element e;
	// the caller guarantees the padding: no copy of the line
	if (p->parser.parse(line, len, false).get(e) != simdjson::SUCCESS)
		return -1;
	if (e.get_object().get(p->obj) != simdjson::SUCCESS)
		return -1;
	return 0;
}

static constexpr const char *key_names[] = {
	"seq",	   "t_us",	  "step", "line", "event",     "conn",	"variant", "phase",
	"scenario", "title",	  "description", "kind", "text", "method", "path",    "view",
	"connected", "child",	  "plug", "key",  "source",    "from",	"outcome", "label", "name", "app",
	"src_variant",
};
static_assert(sizeof(key_names) / sizeof(key_names[0]) == MK_COUNT, "a name for every key");
// the longest name of a key, and one more
constexpr size_t KEY_LEN_MAX = 16;
static_assert([] {
	for (const char *n : key_names)
		if (std::string_view(n).size() >= KEY_LEN_MAX)
			return false;
	return true;
}(), "every key's name is shorter than KEY_LEN_MAX");

const char *mj_key_name(enum mj_key key)
{
	return key_names[key];
}

// The keys by the length of their names, made once from key_names: a
// name is compared only with those of its length (a line has a dozen
// members, each looked for among the keys).
struct keys_by_len {
	signed char k[KEY_LEN_MAX][MK_COUNT + 1];
	constexpr keys_by_len() : k()
	{
		for (size_t n = 0; n < KEY_LEN_MAX; n++) {
			size_t m = 0;
			for (int key = 0; key < MK_COUNT; key++)
				if (std::string_view(key_names[key]).size() == n)
					k[n][m++] = (signed char)key;
			k[n][m] = -1;
		}
	}
};
static constexpr keys_by_len by_len;

// The key named NAME, or MK_COUNT.
static int key_of(std::string_view name)
{
	if (name.size() >= KEY_LEN_MAX)
		return MK_COUNT;
	for (const signed char *k = by_len.k[name.size()]; *k >= 0; k++)
		if (memcmp(key_names[*k], name.data(), name.size()) == 0)
			return *k;
	return MK_COUNT;
}

void mj_extract(struct mj *p, struct mj_line *out)
{
	for (int k = 0; k < MK_COUNT; k++)
		out->type[k] = MJ_ABSENT;
	for (auto field : p->obj) {
		if (field.key.empty())
			continue;
		int k = key_of(field.key);
		if (k == MK_COUNT || out->type[k] != MJ_ABSENT)
			continue;
		simdjson::dom::element v = field.value;
		switch (v.type()) {
		case simdjson::dom::element_type::STRING:
			out->type[k] = MJ_STRING;
			out->str[k] = v.get_c_str().value_unsafe();
			out->len[k] = (unsigned)v.get_string_length().value_unsafe();
			break;
		case simdjson::dom::element_type::INT64:
		case simdjson::dom::element_type::UINT64:
		case simdjson::dom::element_type::DOUBLE:
			out->type[k] = MJ_NUMBER;
			if (k < MK_NUMBERS)
				out->num[k] = v.get_double().value_unsafe();
			break;
		case simdjson::dom::element_type::BOOL:
			out->type[k] = v.get_bool().value_unsafe() ? MJ_TRUE : MJ_FALSE;
			break;
		default:
			out->type[k] = MJ_OTHER;
		}
	}
}
