// model_json.cpp: model_json.h over simdjson's DOM parser (Debian's
// libsimdjson-dev). Error codes, not exceptions, cross the C boundary.
#include "model_json.h"

#include <new>

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

const char *mj_str(struct mj *p, const char *key)
{
	const char *s = nullptr;
	if (p->obj[key].get_c_str().get(s) != simdjson::SUCCESS)
		return nullptr;
	return s;
}

int mj_num(struct mj *p, const char *key, double *out)
{
	simdjson::dom::element e;
	if (p->obj[key].get(e) != simdjson::SUCCESS || !e.is_number())
		return 0;
	return e.get_double().get(*out) == simdjson::SUCCESS;
}

int mj_true(struct mj *p, const char *key)
{
	bool b = false;
	return p->obj[key].get_bool().get(b) == simdjson::SUCCESS && b;
}

int mj_has(struct mj *p, const char *key)
{
	simdjson::dom::element e;
	return p->obj[key].get(e) == simdjson::SUCCESS;
}

void mj_get(struct mj *p, const char *key, struct mj_value *out)
{
	simdjson::dom::element e;
	*out = mj_value{};
	if (p->obj[key].get(e) != simdjson::SUCCESS)
		return;
	out->present = 1;
	if (e.is_number()) {
		out->is_number = e.get_double().get(out->number) == simdjson::SUCCESS;
	} else if (e.is_string()) {
		const char *s = nullptr;
		if (e.get_c_str().get(s) == simdjson::SUCCESS)
			out->string = s;
	}
}
