/* contact.c: the demo shop's interactions: a text of the right kind in the
 * customer's language, with the order, product and reason filled in. */
#include "demo/gen.h"
#include "domain/interaction.h"

const char *demo_agent(demo_gen *g, const demo_cust *c)
{
	if (c->flags & DEMO_F_ZH)
		return demo_agents_zh[demo_rng_below(&g->behaviour, demo_n_agents_zh)];
	return demo_agents_en[demo_rng_below(&g->behaviour, demo_n_agents_en)];
}

static const demo_text *pick_text(demo_gen *g, demo_text_kind kind)
{
	size_t n = 0, k;

	for (size_t i = 0; i < demo_n_texts; i++)
		n += demo_texts[i].kind == kind;
	k = demo_rng_below(&g->behaviour, n);
	for (size_t i = 0; i < demo_n_texts; i++) {
		if (demo_texts[i].kind == kind && k-- == 0)
			return &demo_texts[i];
	}
	return &demo_texts[0];
}

/* Copies `tmpl` into `sb` with {order}, {product} and {reason} replaced. */
static void fill(strbuf *sb, const char *tmpl, const char *order, const char *product,
		 const char *reason)
{
	static const struct {
		const char *token;
		size_t len;
	} tokens[] = {{"{order}", 7}, {"{product}", 9}, {"{reason}", 8}};
	const char *values[] = {order, product, reason};

	strbuf_reset(sb);
	while (*tmpl) {
		const char *brace = strchr(tmpl, '{');
		size_t i;
		if (!brace) {
			strbuf_adds(sb, tmpl);
			break;
		}
		strbuf_add(sb, tmpl, (size_t)(brace - tmpl));
		for (i = 0; i < ARRAY_SIZE(tokens); i++) {
			if (strncmp(brace, tokens[i].token, tokens[i].len) == 0)
				break;
		}
		if (i == ARRAY_SIZE(tokens)) {
			strbuf_addc(sb, '{');
			tmpl = brace + 1;
			continue;
		}
		strbuf_adds(sb, values[i] ? values[i] : "");
		tmpl = brace + tokens[i].len;
	}
}

status demo_contact_write(demo_gen *g, const demo_cust *c, const demo_contact *k, err *e)
{
	bool zh = c->flags & DEMO_F_ZH;
	const demo_text *t;
	const char *reason = NULL;
	strbuf *subject = &g->scratch[1], *body = &g->scratch[2];
	interaction it = {0};
	status rc;

	if (k->at < g->start || k->at >= g->end)
		return E_OK;
	t = pick_text(g, k->text);
	if (k->reason >= 0)
		reason = zh ? demo_return_reasons[k->reason].zh : demo_return_reasons[k->reason].en;
	fill(subject, zh ? t->subject_zh : t->subject_en, k->order, k->product, reason);
	it.customer_id = c->id;
	it.channel = k->channel;
	it.direction = k->direction;
	it.kind = k->kind;
	it.agent = k->agent;
	it.occurred_at = k->at;
	it.subject = subject->buf;
	if (zh ? t->body_zh : t->body_en) {
		fill(body, zh ? t->body_zh : t->body_en, k->order, k->product, reason);
		it.body = body->buf;
	}
	it.attributes = k->attributes;
	if (g->opt->validate && (rc = interaction_validate(&it, e)))
		return rc;
	if ((rc = interaction_save(g->st, &it, NULL, e)))
		return rc;
	g->sum->interactions++;
	return E_OK;
}
