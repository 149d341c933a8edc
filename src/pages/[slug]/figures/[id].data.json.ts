// /<slug>/figures/<id>.data.json: an explorable figure's data, read by its page when the
// figure scrolls into view; see src/lib/figure-files.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { explorableFigurePaths, figureFileResponse } from '../../../lib/figure-files.ts';

export const getStaticPaths = explorableFigurePaths satisfies GetStaticPaths;
export const GET: APIRoute = ({ params }) => figureFileResponse('data', params.slug!, params.id!);
