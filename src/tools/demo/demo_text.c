/*
 * demo_text.c - the demo's categories and descriptions (see demo_text.h).
 */
#include "tools/demo/demo_text.h"

#include <string.h>

#include "lib/error.h"
#include "tools/demo/demo_rand.h"

/* Placeholders: {R} the road, {P} a place along it, {T} the time seen
 * (HH:MM), {S} the street (街道), {A} an area in m², {N} a count, {L} a
 * length in metres, {H} hours it has been so. */
#define T(...) (const char *const[]){ __VA_ARGS__, NULL }

static const struct demo_category mix[] = {
	{ "06010", 190, "litter", T(
	  "{R}{P}有暴露垃圾约{A}平方米，无人清理。",
	  "{T}巡查发现{R}{P}堆有生活垃圾和塑料袋，约{A}平方米，气味明显。",
	  "{S}{R}{P}绿地边散落垃圾，已持续约{H}小时。",
	  "{R}{P}有人倾倒装修垃圾和纸箱约{N}袋，影响通行。") },
	{ "09006", 120, "stall", T(
	  "{R}{P}有{N}个流动摊贩占用人行道经营水果、小吃。",
	  "{T}{R}{P}早点摊占道经营，摊位约{A}平方米，行人需绕行。",
	  "{S}{R}{P}三轮车摊贩占道售卖，周边有油烟。",
	  "{R}{P}夜市摊位未按时收摊，占用人行道约{L}米。") },
	{ "06036", 100, "pile", T(
	  "{R}{P}人行道上乱堆建材和杂物约{A}平方米。",
	  "{T}发现{R}{P}堆放旧家具{N}件，堵塞盲道。",
	  "{S}{R}{P}商户在门前堆放纸箱、泡沫箱，长约{L}米。") },
	{ "09009", 80, "car", T(
	  "{R}{P}{N}辆机动车停放在人行道上，行人无法通过。",
	  "{T}{R}{P}一辆白色轿车压盲道停放，已停约{H}小时。",
	  "{S}{R}{P}货车占用人行道卸货后未驶离。") },
	{ "07001", 80, "poster", T(
	  "{R}{P}墙面张贴办证、租房小广告约{N}张。",
	  "{T}发现{R}{P}电线杆上贴满小广告，面积约{A}平方米。",
	  "{S}{R}{P}配电箱上喷涂电话号码广告。") },
	{ "09005", 60, "stall", T(
	  "{R}{P}商户在店外摆放商品经营，占道约{L}米。",
	  "{T}{R}{P}水果店将货架摆到店外人行道上。",
	  "{S}{R}{P}餐馆在门前摆放桌椅{N}套经营。") },
	{ "06012", 50, "road", T(
	  "{R}{P}路面有油污和泥土，约{A}平方米，雨后湿滑。",
	  "{T}{R}{P}渣土车遗撒，路面不洁，长约{L}米。") },
	{ "06042", 50, "bin", T(
	  "{R}{P}垃圾箱满溢，周边散落垃圾约{A}平方米。",
	  "{T}发现{R}{P}{N}个垃圾桶满溢未及时清运。",
	  "{S}{R}{P}分类垃圾桶满溢，盖子无法合上，已约{H}小时。") },
	{ "09010", 40, "bikes", T(
	  "{R}{P}{N}辆电动车、自行车乱停放，堵塞通道。",
	  "{T}{R}{P}地铁口非机动车停放混乱，占道约{L}米。") },
	{ "06007", 30, "laundry", T(
	  "{R}{P}沿街晾晒衣物被褥，长约{L}米。",
	  "{T}{R}{P}居民在行道树间拉绳晾晒衣物。") },
	{ "08002", 30, "works", T(
	  "{R}{P}施工占用道路未设围挡，占道约{L}米。",
	  "{T}{R}{P}管线施工开挖路面，围挡缺失{N}处。") },
	{ "03005", 30, "bin", T(
	  "{R}{P}垃圾箱破损，箱体开裂。",
	  "{T}发现{R}{P}果皮箱倾倒损坏，共{N}个。") },
	{ "01037", 30, "lamp", T(
	  "{R}{P}路灯不亮，夜间照明不足。",
	  "{T}巡查发现{R}{P}连续{N}盏路灯不亮。",
	  "{S}{R}{P}路灯灯罩破损，灯杆倾斜。") },
	{ "06013", 20, "road", T(
	  "{R}{P}路面破损坑洼，坑面约{A}平方米。",
	  "{T}{R}{P}人行道砖松动缺失{N}块，易绊倒行人。") },
	{ "04002", 20, "tree", T(
	  "{R}{P}行道树倒伏，枝叶遮挡道路。",
	  "{T}{R}{P}树枝断裂悬挂，长约{L}米，存在安全隐患。") },
	{ "01002", 20, "manhole", T(
	  "{R}{P}污水井盖破损，有下陷。",
	  "{T}发现{R}{P}污水井盖松动，车辆经过有响声。") },
	{ "06001", 20, "shed", T(
	  "{R}{P}私搭乱建棚子约{A}平方米。",
	  "{T}{R}{P}商户在门前搭建彩钢板棚。") },
	{ "08004", 10, "works", T(
	  "{R}{P}工地裸土未覆盖，扬尘明显，约{A}平方米。",
	  "{T}{R}{P}工地出口车辆带泥上路。") },
	{ "01001", 10, "manhole", T(
	  "{R}{P}供水井盖丢失，已临时用锥桶围挡。",
	  "{T}巡查发现{R}{P}井盖缺失，井口敞开，危及行人。") },
	{ "09011", 10, "bikes", T(
	  "{R}{P}共享单车堆放约{N}辆，占用人行道。",
	  "{T}{R}{P}共享单车倒伏成堆，长约{L}米。") },
};

/* Roads of 东城区. */
static const char *const roads[] = {
	"东四北大街", "交道口南大街", "王府井大街", "东单北大街",
	"朝阳门内大街", "雍和宫大街", "安定门内大街", "鼓楼东大街",
	"北新桥三条", "南锣鼓巷", "东直门南小街", "崇文门外大街",
	"天坛东路", "永定门内大街", "前门大街", "广渠门内大街",
	"东花市大街", "和平里中街", "地安门东大街", "美术馆后街",
	"灯市口大街", "金宝街", "东四十条", "张自忠路",
};

static const char *const places[] = {
	"公交站旁", "路口东南角", "地铁站B口", "小区南门外", "超市门前",
	"学校门口", "菜市场入口", "人行天桥下", "胡同口", "停车场出口",
	"绿化带边", "银行门前", "便利店旁", "医院西侧", "过街通道处",
};

size_t demo_category_count(void)
{
	return sizeof mix / sizeof mix[0];
}

const struct demo_category *demo_category_at(size_t i)
{
	return i < demo_category_count() ? &mix[i] : NULL;
}

const struct demo_category *demo_category_pick(uint64_t *seed)
{
	static int total;
	int pick;
	size_t i = 0;

	if (!total) /* a constant: a race writes the same value */
		for (size_t k = 0; k < demo_category_count(); k++)
			total += mix[k].weight;
	pick = demo_rnd_below(seed, total);
	while (pick >= mix[i].weight)
		pick -= mix[i++].weight;
	return &mix[i];
}

const char *demo_road(uint64_t *seed)
{
	return roads[demo_rnd_below(seed, (int)(sizeof roads / sizeof *roads))];
}

int demo_address(const char *road, uint64_t *seed, struct buf *out)
{
	return buf_printf(out, "%s%d号", road, 1 + demo_rnd_below(seed, 260))
		       ? -UG_ENOMEM
		       : 0;
}

int demo_describe(const struct demo_category *c, const char *road,
		  const char *street_name, int64_t t, int32_t utc_offset,
		  uint64_t *seed, struct buf *out)
{
	const char *const *tp = c->templates;
	int n = 0, rc = 0;
	int64_t local = t + utc_offset;
	const char *p;

	while (tp[n])
		n++;
	p = tp[demo_rnd_below(seed, n)];
	while (*p && rc == 0) {
		const char *close = p[0] == '{' ? strchr(p, '}') : NULL;

		if (!close || close - p != 2) {
			rc = buf_putc(out, *p++);
			continue;
		}
		switch (p[1]) {
		case 'R': rc = buf_puts(out, road); break;
		case 'P':
			rc = buf_puts(out, places[demo_rnd_below(
				seed, (int)(sizeof places / sizeof *places))]);
			break;
		case 'S':
			rc = buf_puts(out, street_name ? street_name : "");
			break;
		case 'T':
			rc = buf_printf(out, "%02d:%02d", (int)(local / 3600 % 24),
					(int)(local / 60 % 60));
			break;
		case 'A': rc = buf_printf(out, "%d", 1 + demo_rnd_below(seed, 30)); break;
		case 'N': rc = buf_printf(out, "%d", 2 + demo_rnd_below(seed, 14)); break;
		case 'L': rc = buf_printf(out, "%d", 3 + demo_rnd_below(seed, 48)); break;
		case 'H': rc = buf_printf(out, "%d", 1 + demo_rnd_below(seed, 6)); break;
		default: rc = buf_append(out, p, 3); break;
		}
		p = close + 1;
	}
	return rc ? -UG_ENOMEM : 0;
}
