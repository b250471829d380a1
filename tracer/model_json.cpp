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

static const char *const key_names[] = {
	"seq",	   "t_us",	  "step", "line", "event",     "conn",	"variant", "phase",
	"scenario", "title",	  "description", "kind", "text", "method", "path",    "view",
	"connected", "child",	  "plug", "key",  "source",    "from",	"outcome", "label", "name", "app",
	"src_variant",
};
static_assert(sizeof(key_names) / sizeof(key_names[0]) == MK_COUNT, "a name for every key");

const char *mj_key_name(enum mj_key key)
{
	return key_names[key];
}

// The key named NAME, or MK_COUNT: only the names of its length compared
// (a line has a dozen members, each looked for among the keys).
static int key_of(std::string_view name)
{
	static const signed char by_len[12][12] = {
		{-1},
		{-1},
		{-1},
		{MK_SEQ, MK_KEY, MK_APP, -1},
		{MK_T_US, MK_STEP, MK_LINE, MK_CONN, MK_KIND, MK_TEXT, MK_PATH, MK_VIEW, MK_PLUG, MK_FROM, MK_NAME, -1},
		{MK_EVENT, MK_PHASE, MK_TITLE, MK_CHILD, MK_LABEL, -1},
		{MK_METHOD, MK_SOURCE, -1},
		{MK_VARIANT, MK_OUTCOME, -1},
		{MK_SCENARIO, -1},
		{MK_CONNECTED, -1},
		{-1},
		{MK_DESCRIPTION, MK_SRC_VARIANT, -1},
	};
	if (name.size() >= 12)
		return MK_COUNT;
	for (const signed char *k = by_len[name.size()]; *k >= 0; k++)
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
