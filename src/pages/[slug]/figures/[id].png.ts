// /<slug>/figures/<id>.png: see src/lib/figure-files.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { figureFilePaths, figureFileResponse } from '../../../lib/figure-files.ts';

export const getStaticPaths = figureFilePaths satisfies GetStaticPaths;
export const GET: APIRoute = ({ params }) => figureFileResponse('png', params.slug!, params.id!);
